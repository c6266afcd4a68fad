package bot

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// firstChatID is the id the fake Bot API gives the first private chat it
// makes: the admin of these tests, known before the bot starts.
const firstChatID = 100000001

const adminReport = "CAMPAIGN  METRIC   COUNT\nfair      started  <5\n"

// startWithStats starts a bot whose only admin is the first chat made,
// answering /stats with report; asked counts the reports made.
func startWithStats(t *testing.T, report string) (e *env, asked *atomic.Int32) {
	t.Helper()
	asked = &atomic.Int32{}
	e = startWith(t, miniSource, true, nil, WithStats([]int64{firstChatID}, func(context.Context) (string, error) {
		asked.Add(1)
		return report, nil
	}))
	return e, asked
}

// TestStatsForAdmins: a chat listed in ADMIN_CHAT_IDS gets the report in
// one message; any other chat gets the normal help and no report is made.
func TestStatsForAdmins(t *testing.T) {
	e, asked := startWithStats(t, adminReport)
	admin := newUser(t, e, e.fake.NewPrivateChat("en"))
	if admin.c.ID != firstChatID {
		t.Fatalf("the fake numbers chats differently now: first chat %d, want %d", admin.c.ID, firstChatID)
	}
	other := newUser(t, e, e.fake.NewPrivateChat("en"))

	got := admin.say("/stats")
	if len(got) != 1 || got[0].Text != adminReport {
		t.Errorf("admin /stats: want the report as is, got:\n%s", joined(got))
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("%d reports made for the admin, want 1", n)
	}

	got = other.say("/stats")
	text := joined(got)
	if len(got) != 2 || !strings.Contains(text, "Contacts:") || strings.Contains(text, "CAMPAIGN") {
		t.Errorf("non-admin /stats: want the normal help, got:\n%s", text)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("a report was made for a non-admin (%d in all)", n)
	}
	e.fake.AssertNoRejections(t)
}

// TestStatsTooLongIsCutAndSaysSo: a report longer than one message is cut
// after a whole line and ends saying where the full report is.
func TestStatsTooLongIsCutAndSaysSo(t *testing.T) {
	var long strings.Builder
	for i := range 200 {
		fmt.Fprintf(&long, "campaign-%03d  answer  destination  unknown  <5\n", i)
	}
	e, _ := startWithStats(t, long.String())
	admin := newUser(t, e, e.fake.NewPrivateChat("en"))
	got := admin.say("/stats")
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1:\n%s", len(got), joined(got))
	}
	text := got[0].Text
	if !strings.HasSuffix(text, "\n"+StatsCut) || len([]rune(text)) > statsMax {
		t.Errorf("a cut report must end with %q within %d characters; got %d:\n%s", StatsCut, statsMax, len([]rune(text)), text)
	}
	body := strings.TrimSuffix(text, "\n"+StatsCut)
	if !strings.HasPrefix(long.String(), body+"\n") {
		t.Errorf("the report is not cut after a whole line:\n%s", body)
	}

	// A report that fits is sent as it is, without the notice.
	e2, _ := startWithStats(t, adminReport)
	admin2 := newUser(t, e2, e2.fake.NewPrivateChat("en"))
	if got := admin2.say("/stats"); len(got) != 1 || strings.Contains(got[0].Text, StatsCut) {
		t.Errorf("a short report: %s", joined(got))
	}
	e.fake.AssertNoRejections(t)
}
