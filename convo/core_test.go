package convo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/locales"
	"github.com/selfcheck-id/selfcheck/session"
)

var miniSource = testcore.Mini()

type harness struct {
	t    *testing.T
	core *convo.Core
	m    *miniredis.Miniredis
	chat int64
	last convo.Response
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	env := testcore.New(t, miniSource)
	return &harness{t: t, core: env.Core, m: env.Redis, chat: 77}
}

func (h *harness) send(req convo.Request) convo.Response {
	h.t.Helper()
	req.ChatID = h.chat
	if req.LangHint == "" {
		req.LangHint = "en-US"
	}
	h.last = h.core.Handle(context.Background(), req)
	return h.last
}

func (h *harness) cmd(name string) convo.Response {
	return h.send(convo.Request{Kind: convo.KindCommand, Command: name})
}
func (h *harness) text(s string) convo.Response {
	return h.send(convo.Request{Kind: convo.KindText, Text: s})
}
func (h *harness) press(data string) convo.Response {
	return h.send(convo.Request{Kind: convo.KindButton, Data: data})
}

// button returns the data of the button labelled label in the last
// response, failing the test when there is none.
func (h *harness) button(label string) string {
	h.t.Helper()
	for _, r := range h.last.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if b.Label == label {
					return b.Data
				}
			}
		}
	}
	h.t.Fatalf("no button %q in %+v", label, h.last.Replies)
	return ""
}

func text(resp convo.Response) string {
	var parts []string
	for _, r := range resp.Replies {
		parts = append(parts, r.Text())
	}
	return strings.Join(parts, "\n---\n")
}

func TestConversationToVerdict(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	if !strings.Contains(text(h.last), "Welcome") {
		t.Fatalf("start: %q", text(h.last))
	}
	h.press(h.button("For someone else"))
	if e := h.last.Edit; e == nil || !strings.Contains(e.Body, "✓ For someone else") {
		t.Errorf("the answered question is not edited to show the answer: %+v", h.last.Edit)
	}
	if !strings.Contains(text(h.last), "Where did they find the offer?") {
		t.Errorf("no .other variant for a relative: %q", text(h.last))
	}
	h.press(h.button("An ad"))
	h.press(h.button("Near country"))
	resp := h.press(h.button("Yes"))
	if !resp.Done {
		t.Fatal("not done after the last question")
	}
	got := text(resp)
	for _, want := range []string{"Higher risk for them.", "Why:", "Fees are forbidden.", "Ads are a sign.", "Next:", "1. Do not pay.", "0800-1000", "+62 21 2924 4800", "https://wa.me/628118080141", "A dated figure"} {
		if !strings.Contains(got, want) {
			t.Errorf("verdict lacks %q:\n%s", want, got)
		}
	}
}

func TestStaleAndForgedButtonsChangeNothing(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	self := h.button("For me")
	h.press(self)
	ad := h.button("An ad")
	// The same tap again (its reply lost, or a double tap) shows the
	// question now on screen, with the answer in the trail; nothing moves.
	if resp := h.press(self); !resp.Resent || resp.Toast != "" || !strings.Contains(text(resp), "Where did you find the offer?") || resp.Trail != "✓ For me" {
		t.Errorf("the same button again: got %+v, want the current question again", resp)
	}
	tests := []struct{ name, data string }{
		{"garbage", "hello"},
		{"too long", strings.Repeat("a", 80)},
		{"wrong nonce", strings.Replace(ad, ad[2:10], "zzzzzzzz", 1)},
		{"a choice the step lacks", strings.Replace(ad, ":ad", ":moon", 1)},
		{"a step that is not on screen", strings.Replace(ad, ":source:", ":fee:", 1)},
	}
	for _, tt := range tests {
		resp := h.press(tt.data)
		if resp.Toast == "" || len(resp.Replies) != 0 || resp.Edit != nil {
			t.Errorf("%s: got %+v, want only a toast", tt.name, resp)
		}
	}
	// The real button still works: nothing moved.
	resp := h.press(ad)
	if !strings.Contains(text(resp), "Which country?") {
		t.Errorf("after stale taps the flow moved: %q", text(resp))
	}
}

func TestTypedAnswers(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	h.text("1")
	h.text("an office") // the label, any case
	h.text("2")         // near
	if !strings.Contains(text(h.last), "Do you pay a fee?") {
		t.Fatalf("typed answers did not move the flow: %q", text(h.last))
	}
	resp := h.text("blah blah")
	if !strings.Contains(text(resp), "Please tap a button.") || !strings.Contains(text(resp), "Do you pay a fee?") {
		t.Errorf("junk text: %q, want a re-prompt with the question", text(resp))
	}
	resp = h.text("Nggak!")
	if !strings.Contains(text(resp), "Lower risk.") {
		t.Errorf("'Nggak!' is not read as no: %q", text(resp))
	}
}

func TestLanguageFollowsTheUser(t *testing.T) {
	h := newHarness(t)
	resp := h.send(convo.Request{Kind: convo.KindCommand, Command: "start", LangHint: "id"})
	if resp.Lang != "id" || !strings.Contains(text(resp), "ID Welcome") {
		t.Fatalf("id user: %s %q", resp.Lang, text(resp))
	}
	h.press(h.button("English"))
	if !strings.Contains(text(h.last), "Language: English.") || !strings.Contains(text(h.last), "Welcome. Check") {
		t.Errorf("language switch: %q", text(h.last))
	}
}

func TestBackRestartHelpForget(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	h.press(h.button("For me"))
	h.press(h.button("An ad"))
	h.press(h.button("Back"))
	if !strings.Contains(text(h.last), "Where did you find the offer?") {
		t.Errorf("back: %q", text(h.last))
	}
	h.cmd("help")
	if got := text(h.last); !strings.Contains(got, "0800-1000") || !strings.Contains(got, "Which country are you in?") {
		t.Errorf("help: %q", got)
	}
	h.press(h.button("Far country"))
	if got := text(h.last); !strings.Contains(got, "Help is here.") || !strings.Contains(got, "+855 12 813 282") || !h.last.Done {
		t.Errorf("emergency end: %q", got)
	}
	h.cmd("forget")
	if len(h.m.Keys()) != 0 {
		t.Errorf("keys left after /forget: %v", h.m.Keys())
	}
}

// TestExpiredSessionRestartsPolitely: a button pressed after the session
// expired (after session.DefaultTTL) gets a toast saying so and a fresh
// start; before that it still works, and any activity renews the delay.
func TestExpiredSessionRestartsPolitely(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	h.press(h.button("For me"))
	ad := h.button("An ad")
	h.m.FastForward(session.DefaultTTL - time.Minute)
	h.press(ad)
	near := h.button("Near country")
	h.m.FastForward(session.DefaultTTL + time.Minute)
	resp := h.press(near)
	if resp.Toast != "Your check expired; starting again." {
		t.Errorf("old button after expiry: toast %q", resp.Toast)
	}
	if got := text(resp); !strings.HasPrefix(got, "Welcome") || strings.Contains(got, "expired") {
		t.Errorf("old button after expiry: %q, want only the welcome", got)
	}
}

// TestPrivacySaysHowLongAnswersAreKept: the deletion delay the bot states
// is the store's TTL (SESSION_TTL), not a number written in the text.
func TestPrivacySaysHowLongAnswersAreKept(t *testing.T) {
	h := newHarness(t)
	if got := text(h.cmd("privacy")); got != "We store little, for 3 days." {
		t.Errorf("privacy with the default TTL: %q", got)
	}
	for lang, want := range map[string]string{"id": "3 hari", "en": "3 days"} {
		if got := locales.Duration(lang, 72*time.Hour); got != want {
			t.Errorf("Duration(%s, 72h) = %q, want %q", lang, got, want)
		}
	}
	for _, tc := range []struct {
		lang string
		d    time.Duration
		want string
	}{{"en", 24 * time.Hour, "1 day"}, {"en", 36 * time.Hour, "36 hours"}, {"id", 12 * time.Hour, "12 jam"}, {"en", 90 * time.Minute, "2 hours"}, {"en", 30 * time.Minute, "1 hour"}} {
		if got := locales.Duration(tc.lang, tc.d); got != tc.want {
			t.Errorf("Duration(%s, %v) = %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
}

func TestStorageDown(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	h.m.Close()
	resp := h.text("1")
	if got := text(resp); got != "Try again in a minute." {
		t.Errorf("text with Redis down: %q", got)
	}
	resp = h.press(flows.Token{Kind: flows.TokAnswer}.Encode())
	if resp.Toast != "Try again in a minute." || len(resp.Replies) != 0 {
		t.Errorf("button with Redis down: %+v", resp)
	}
}

func TestFlowChangedUnderARunningCheck(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	h.press(h.button("For me"))
	h.press(h.button("An ad"))
	// A new version that still has the step: the user continues.
	ct := h.core.Content()
	next := *ct.Flow
	next.Version++
	h.core.SetContent(&convo.Content{Set: ct.Set, Flow: &next, Msgs: ct.Msgs})
	if got := text(h.text("near country")); !strings.Contains(got, "Do you pay a fee?") {
		t.Errorf("compatible change: %q", got)
	}
	// A version without the step on screen: restart politely.
	gone := next
	gone.Version++
	gone.Steps = map[string]*flows.Step{}
	for id, s := range next.Steps {
		if id != "fee" {
			gone.Steps[id] = s
		}
	}
	h.core.SetContent(&convo.Content{Set: ct.Set, Flow: &gone, Msgs: ct.Msgs})
	if got := text(h.text("yes")); !strings.Contains(got, "The questions changed") {
		t.Errorf("incompatible change: %q", got)
	}
}

func TestDuplicateUpdateIsSkipped(t *testing.T) {
	h := newHarness(t)
	h.send(convo.Request{Kind: convo.KindCommand, Command: "start", UpdateID: 1})
	first := h.send(convo.Request{Kind: convo.KindText, Text: "1", UpdateID: 2})
	again := h.send(convo.Request{Kind: convo.KindText, Text: "1", UpdateID: 2})
	if len(first.Replies) == 0 || len(again.Replies) != 0 {
		t.Errorf("re-delivered update was applied again: %+v", again)
	}
	if got := text(h.text("2")); !strings.Contains(got, "Which country?") {
		t.Errorf("after a duplicate: %q", got)
	}
}

// TestHelpPausesTheCheck: /help mid-check must not lose the answers; the
// emergency screens offer the way back to the question where the user was.
func TestHelpPausesTheCheck(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	h.press(h.button("For me"))
	h.press(h.button("An ad")) // raises socmed
	resp := h.cmd("help")
	if got := text(resp); !strings.Contains(got, "Which country are you in?") {
		t.Fatalf("/help: %q", got)
	}
	back := h.button("Back to my check")
	h.press(h.button("Far country")) // the emergency end, still offering the way back
	if got := text(h.last); !strings.Contains(got, "Help is here.") {
		t.Fatalf("emergency end: %q", got)
	}
	h.button("Back to my check") // the end offers it too
	resp = h.press(back)         // the one on the country question works as well
	if got := text(resp); !strings.Contains(got, "Which country?") {
		t.Fatalf("resume did not return to the question on screen before /help: %q", got)
	}
	if again := h.press(back); again.Toast == "" {
		t.Errorf("a second resume changed something: %q", text(again))
	}
	h.last = resp
	h.press(h.button("Near country"))
	resp = h.press(h.button("Yes"))
	if got := text(resp); !strings.Contains(got, "Ads are a sign.") {
		t.Errorf("the answer given before /help was lost: %q", got)
	}
	// With nothing paused, a resume button is stale and /back does not resume.
	h.cmd("start")
	h.cmd("help")
	for _, r := range h.last.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if b.Label == "Back to my check" {
					t.Errorf("a fresh check offers to resume: %+v", h.last.Replies)
				}
			}
		}
	}
}

// TestNothingStoredUntilACheckBegins: a new chat that only reads (/privacy)
// or sends a forged tap leaves nothing in Redis, and its next message gets
// the welcome, not a notice that the questions changed.
func TestNothingStoredUntilACheckBegins(t *testing.T) {
	h := newHarness(t)
	h.cmd("privacy")
	if resp := h.press("x:12345678::"); resp.Toast == "" || len(resp.Replies) != 0 {
		t.Errorf("forged tap in a new chat: %+v", resp)
	}
	if keys := h.m.Keys(); len(keys) != 0 {
		t.Errorf("stored before any check began: %v", keys)
	}
	got := text(h.text("hello"))
	if !strings.HasPrefix(got, "Welcome") || strings.Contains(got, "questions changed") {
		t.Errorf("first message after /privacy: %q", got)
	}
	if keys := h.m.Keys(); len(keys) != 1 {
		t.Errorf("after the welcome: keys %v, want the session", keys)
	}
}

// TestLanguageDoubleTap: the language button tapped twice switches once;
// the screen left behind in the old language goes stale.
func TestLanguageDoubleTap(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	lang, oldAnswer := h.button("Bahasa Indonesia"), h.button("For me")
	first := h.press(lang)
	if got := text(first); !strings.Contains(got, "ID Language") || !strings.Contains(got, "ID Welcome") {
		t.Fatalf("language switch: %q", got)
	}
	if again := h.press(lang); again.Toast == "" || len(again.Replies) != 0 {
		t.Errorf("second tap of the language button: %+v", again)
	}
	if old := h.press(oldAnswer); old.Toast == "" || len(old.Replies) != 0 {
		t.Errorf("an answer on the screen left in English: %+v", old)
	}
	h.last = first
	if got := text(h.press(h.button("ID For me"))); !strings.Contains(got, "ID Where") {
		t.Errorf("answer on the new screen: %q", got)
	}
}

// TestTypedCampaignIsNotStored: a campaign name typed into /start (it may
// be someone's name and number) is never stored; an organiser's signed
// link is.
func TestTypedCampaignIsNotStored(t *testing.T) {
	env := testcore.New(t, convo.Embedded)
	keys := campaign.NewKeys(strings.Repeat("k3y-", 8))
	env.Core.Campaigns = keys
	signed, err := keys.Payload("school_fair", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ payload, stored, absent string }{
		{"siti_rahayu_081234567890", "other", "siti"},
		{"siti_rahayu", "other", "siti"},
		{signed, "school_fair", ""},
	} {
		env.Redis.FlushAll()
		env.Core.Handle(context.Background(), convo.Request{ChatID: 9, Kind: convo.KindCommand, Command: convo.CmdStart, Text: tc.payload})
		env.Core.Handle(context.Background(), convo.Request{ChatID: 9, Kind: convo.KindText, Text: "1"})
		dump := storedText(env)
		if !strings.Contains(dump, tc.stored) || tc.absent != "" && strings.Contains(dump, tc.absent) {
			t.Errorf("/start %s stores:\n%s", tc.payload, dump)
		}
	}
}
