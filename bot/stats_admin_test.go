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
// answering /stats with report (and /stats NAME with NAME's line of it);
// asked counts the reports made.
func startWithStats(t *testing.T, report string) (e *env, asked *atomic.Int32) {
	t.Helper()
	asked = &atomic.Int32{}
	e = startWith(t, miniSource, true, nil, WithStats([]int64{firstChatID}, func(_ context.Context, name string) (string, error) {
		asked.Add(1)
		if name != "" {
			for _, l := range strings.Split(report, "\n") {
				if strings.HasPrefix(l, name+" ") {
					return l, nil
				}
			}
			return "no campaign " + name, nil
		}
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
	// Monospaced, so that the columns line up on a phone.
	if len(got) == 1 && (len(got[0].Entities) != 1 || got[0].Entities[0].Type != "pre") {
		t.Errorf("admin /stats: want one pre entity, got %+v", got[0].Entities)
	}
	if got := admin.say("/stats fair"); len(got) != 1 || got[0].Text != "fair      started  <5" {
		t.Errorf("admin /stats fair: want the campaign's detail, got:\n%s", joined(got))
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("%d reports made for the admin, want 2", n)
	}

	got = other.say("/stats")
	text := joined(got)
	if len(got) != 2 || !strings.Contains(text, "Contacts:") || strings.Contains(text, "CAMPAIGN") {
		t.Errorf("non-admin /stats: want the normal help, got:\n%s", text)
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("a report was made for a non-admin (%d in all)", n)
	}
	e.fake.AssertNoRejections(t)
}

// TestStatsTooLongIsCutAndSaysSo: a report longer than one message is
// sent in up to three, each ending at a whole line; what does not fit in
// three is cut, and the last says where the full report is.
func TestStatsTooLongIsCutAndSaysSo(t *testing.T) {
	var long strings.Builder
	for i := range 600 {
		fmt.Fprintf(&long, "campaign-%03d  answer  destination  unknown  <5\n", i)
	}
	e, _ := startWithStats(t, long.String())
	admin := newUser(t, e, e.fake.NewPrivateChat("en"))
	got := admin.say("/stats")
	if len(got) != statsParts {
		t.Fatalf("%d messages, want %d", len(got), statsParts)
	}
	var sent []string
	for i, m := range got {
		if n := len([]rune(m.Text)); n > statsMax {
			t.Errorf("message %d has %d characters, more than %d", i, n, statsMax)
		}
		sent = append(sent, m.Text)
	}
	last := sent[len(sent)-1]
	if !strings.HasSuffix(last, "\n"+StatsCut) {
		t.Errorf("the last part must end with %q:\n%s", StatsCut, last)
	}
	sent[len(sent)-1] = strings.TrimSuffix(last, "\n"+StatsCut)
	if body := strings.Join(sent, "\n"); !strings.HasPrefix(long.String(), body+"\n") {
		t.Errorf("the parts are not the report's first whole lines:\n%s", body)
	}

	// A report that fits is sent as it is, without the notice.
	e2, _ := startWithStats(t, adminReport)
	admin2 := newUser(t, e2, e2.fake.NewPrivateChat("en"))
	if got := admin2.say("/stats"); len(got) != 1 || strings.Contains(got[0].Text, StatsCut) {
		t.Errorf("a short report: %s", joined(got))
	}
	e.fake.AssertNoRejections(t)
}
