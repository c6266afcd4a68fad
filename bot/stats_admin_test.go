package bot

import (
	"context"
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
