package bot

import (
	"math/rand/v2"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
	"github.com/selfcheck-id/selfcheck/locales"
)

// startShipped runs the bot on the content built into the binary.
func startShipped(t *testing.T) *env {
	t.Helper()
	if _, ps := convo.LoadContent(convo.Embedded); len(ps) > 0 {
		t.Fatalf("the shipped content does not validate: %v", ps)
	}
	return start(t, convo.Embedded)
}

// answerButtons are a message's answer buttons (not Back, Start again,
// Help, language or links).
func answerButtons(m tgfake.Message) []tgfake.Button {
	var out []tgfake.Button
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Kind == "callback_data" && strings.HasPrefix(b.CallbackData, "a:") {
				out = append(out, b)
			}
		}
	}
	return out
}

// verdictLang tells whether text is a verdict (it begins with a band's
// text) and in which language; "" when it is not one.
func verdictLang(ct *convo.Content, text string) string {
	// Try the longer texts first: a band's text may begin another's.
	best, lang := 0, ""
	for _, b := range ct.Flow.Bands {
		for _, l := range []string{"id", "en"} {
			for _, other := range []bool{false, true} {
				bt := ct.Msgs.Text(l, b.Text, other, nil)
				if bt != "" && strings.HasPrefix(text, bt) && len(bt) > best {
					best, lang = len(bt), l
				}
			}
		}
	}
	return lang
}

// phoneNumber matches a phone number as the shipped contacts write them.
var phoneNumber = regexp.MustCompile(`\+\d{2,3}[ \d]{6,}\d|\b0800-1000\b|\b(110|129)\b`)

// checkVerdict checks that msgs (the bot's messages) end in a verdict in
// lang, followed by the contacts with a phone number, in lang too.
func checkVerdict(t testing.TB, ct *convo.Content, msgs []tgfake.Message, lang string) {
	t.Helper()
	// One message when the verdict fits, two (judgement, then contacts)
	// when it does not.
	if len(msgs) == 0 || len(msgs) > 2 {
		t.Errorf("verdict in %d messages: %s", len(msgs), joined(msgs))
		return
	}
	verdict, contacts := msgs[0], msgs[len(msgs)-1]
	if len(msgs) == 2 && flows.TextLen(verdict.Text+"\n\n"+contacts.Text) <= convo.MaxMessage {
		t.Errorf("verdict sent as two messages though it fits in one (%d characters)", flows.TextLen(verdict.Text+contacts.Text)+2)
	}
	if got := verdictLang(ct, verdict.Text); got != lang {
		t.Errorf("verdict in %q, want %q:\n%s", got, lang, verdict.Text)
	}
	head := ct.Msgs.Text(lang, locales.VerdictContact, false, nil)
	if !strings.Contains(contacts.Text, head) || !phoneNumber.MatchString(contacts.Text) {
		t.Errorf("the contacts after the verdict lack %q or a phone number:\n%s", head, contacts.Text)
	}
	if len(answerButtons(contacts)) > 0 {
		t.Errorf("answer buttons after the verdict: %+v", contacts.Buttons)
	}
	// A restart button, and a share button that opens Telegram's share
	// screen with the bot's link, which the text gives as well.
	var restart, share bool
	for _, row := range contacts.Buttons {
		for _, b := range row {
			restart = restart || strings.HasPrefix(b.CallbackData, string(flows.TokRestart)+":")
			share = share || b.URL == "https://t.me/share/url?url="+url.QueryEscape("https://t.me/"+tgfake.DefaultBotUsername)
		}
	}
	if !restart || !share || !strings.Contains(contacts.Text, "https://t.me/"+tgfake.DefaultBotUsername) {
		t.Errorf("the verdict lacks a restart button (%v), a share button (%v) or the link in its text: %+v", restart, share, contacts.Buttons)
	}
}

// TestWalkShippedFlow taps through the shipped check from /start to the
// verdict in both languages along several paths. After each tap the press
// is answered and the tapped question is edited: no buttons left, the
// chosen answer shown. The verdict is in the user's language with a phone
// number.
func TestWalkShippedFlow(t *testing.T) {
	type path struct {
		name    string
		welcome int                       // which door on the welcome question
		pick    func(n, i int) int        // which of n answers at question i
		rng     func() func(n, i int) int // or a seeded random pick
	}
	paths := []path{
		{name: "first answers", welcome: 0, pick: func(int, int) int { return 0 }},
		{name: "last answers", welcome: 0, pick: func(n, _ int) int { return n - 1 }},
		{name: "for someone else, second answers", welcome: 1, pick: func(n, _ int) int { return min(1, n-1) }},
		{name: "random answers", welcome: 0, rng: func() func(n, i int) int {
			r := rand.New(rand.NewPCG(7, 7))
			return func(n, _ int) int { return r.IntN(n) }
		}},
		{name: "for someone else, random answers", welcome: 1, rng: func() func(n, i int) int {
			r := rand.New(rand.NewPCG(11, 3))
			return func(n, _ int) int { return r.IntN(n) }
		}},
	}
	for _, lang := range []string{"id", "en"} {
		for _, p := range paths {
			t.Run(lang+"/"+p.name, func(t *testing.T) {
				pick := p.pick
				if p.rng != nil {
					pick = p.rng()
				}
				e := startShipped(t)
				ct := e.core.Content()
				u := newUser(t, e, e.fake.NewPrivateChat(lang))
				got := u.say("/start")
				if len(got) != 1 {
					t.Fatalf("/start: %s", joined(got))
				}
				q := got[0]
				var verdict []tgfake.Message
				for i := 0; ; i++ {
					if i > 60 {
						t.Fatalf("no verdict after %d answers", i)
					}
					answers := answerButtons(q)
					if len(answers) == 0 {
						t.Fatalf("a message without answers before the verdict: %q", q.Text)
					}
					k := p.welcome
					if i > 0 {
						k = pick(len(answers), i)
					}
					b := answers[k]
					got = u.do(func() { u.pressData(q.ID, b.CallbackData) })
					if a, ok := u.c.Answer(u.queries[len(u.queries)-1]); !ok || a.Text != "" {
						t.Fatalf("tap %q: answered %v with %q", b.Text, ok, a.Text)
					}
					// The answer shows in the pressed message: as the trail
					// above the next question, or under the last question
					// when the verdict follows.
					edited := byID(u.c.Messages(), q.ID)
					if !strings.Contains(edited.Text, b.Text) {
						t.Fatalf("after tapping %q the question reads %q", b.Text, edited.Text)
					}
					if len(got) == 0 || got[0].ID != q.ID {
						t.Fatalf("tap %q: the pressed message was not changed: %s", b.Text, joined(got))
					}
					if len(answerButtons(edited)) > 0 {
						if len(got) != 1 {
							t.Fatalf("tap %q: %d messages, want the next question in the pressed one: %s", b.Text, len(got), joined(got))
						}
						q = edited
						if other := otherLanguage(ct, lang, q); other {
							t.Errorf("question %d is not in %s: %q", i, lang, q.Text)
						}
						continue
					}
					verdict = got[1:]
					if len(edited.Buttons) != 0 || len(verdict) == 0 || verdictLang(ct, verdict[0].Text) == "" {
						t.Fatalf("tap %q: neither a question nor a verdict: %s", b.Text, joined(got))
					}
					checkVerdict(t, ct, verdict, lang)
					break
				}
				u.allAnswered()
				e.fake.AssertNoRejections(t)
				t.Logf("%d answers, verdict %q", len(u.queries), strings.SplitN(verdict[0].Text, "\n", 2)[0])
			})
		}
	}
}

// otherLanguage reports whether a question's controls are labelled in the
// other language than lang (its Back / Start again / Help buttons).
func otherLanguage(ct *convo.Content, lang string, m tgfake.Message) bool {
	other := "en"
	if lang == "en" {
		other = "id"
	}
	ours := map[string]bool{}
	theirs := map[string]bool{}
	for _, id := range []string{locales.BtnBack, locales.BtnRestart, locales.BtnHelp} {
		ours[ct.Msgs.Text(lang, id, false, nil)] = true
		theirs[ct.Msgs.Text(other, id, false, nil)] = true
	}
	for _, row := range m.Buttons {
		for _, b := range row {
			if theirs[b.Text] && !ours[b.Text] {
				return true
			}
		}
	}
	return false
}
