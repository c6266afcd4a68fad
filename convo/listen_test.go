package convo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
)

// listener is one chat with the shipped content on miniredis.
type listener struct {
	t    *testing.T
	env  *testcore.Env
	lang string
	last convo.Response
}

func newListener(t *testing.T, lang string) *listener {
	return &listener{t: t, env: testcore.New(t, convo.Embedded), lang: lang}
}

func (l *listener) send(req convo.Request) convo.Response {
	req.ChatID, req.LangHint = 77, l.lang
	l.last = l.env.Core.Handle(context.Background(), req)
	return l.last
}

func (l *listener) say(text string) string {
	return allText(l.send(convo.Request{Kind: convo.KindText, Text: text}))
}

func allText(r convo.Response) string {
	var parts []string
	for _, rep := range r.Replies {
		parts = append(parts, rep.Text())
	}
	return strings.Join(parts, "\n---\n")
}

// tap presses the answer button of step=choice on the last response.
func (l *listener) tap(step, choice string) {
	l.t.Helper()
	for _, rep := range l.last.Replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if tok, ok := flows.ParseToken(b.Data); ok && tok.Kind == flows.TokAnswer && tok.Step == step && tok.Choice == choice {
					l.send(convo.Request{Kind: convo.KindButton, Data: b.Data})
					return
				}
			}
		}
	}
	l.t.Fatalf("no button %s=%s in:\n%s", step, choice, allText(l.last))
}

// screen is the step whose answers the last response offers.
func (l *listener) screen() string { return stepOnScreen(l.last) }

// suggested is the label of the button marked as read from the message.
func (l *listener) suggested() string {
	for _, rep := range l.last.Replies {
		for _, row := range rep.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Label, "✓ ") {
					return b.Label
				}
			}
		}
	}
	return ""
}

const cambodiaAd = "LOWONGAN KERJA KAMBOJA!! Dibutuhkan admin / CS online di Sihanoukville, gaji 15jt/bulan, " +
	"tanpa pengalaman, cukup bisa mengetik. Tiket pesawat ditanggung, potong gaji. Berangkat minggu ini pakai " +
	"visa turis, transit Bangkok lalu jalur darat. Minat? DM aja. Kode rahasia: ZEBRAKUNING"

// TestPastedAdIsReadAndSuggested: an ad pasted as the first message is
// summed up in the user's words with the number of warning signs, then
// the check starts; each answer read is suggested under its question
// (marked, one tap to confirm), the rest are asked as usual, and a
// suggestion can be corrected.
func TestPastedAdIsReadAndSuggested(t *testing.T) {
	l := newListener(t, "id")
	got := l.say(cambodiaAd)
	for _, want := range []string{"Dari pesanmu:", "Kamboja", `("admin")`, "visa turis", "8 tanda bahaya", "tanda bahaya"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if l.screen() != "welcome" {
		t.Fatalf("after the ad: step %q, want the welcome", l.screen())
	}
	l.tap("welcome", "self")
	if l.screen() != "source" || l.suggested() != "" {
		t.Fatalf("source is asked without a suggestion: %q %q", l.screen(), l.suggested())
	}
	l.tap("source", "socmed")
	if l.screen() != "destination" || l.suggested() != "✓ Kamboja" {
		t.Fatalf("destination: screen %q, suggestion %q", l.screen(), l.suggested())
	}
	if !strings.Contains(allText(l.last), "Dari pesanmu: Kamboja.") {
		t.Errorf("the question does not say where the suggestion comes from:\n%s", allText(l.last))
	}
	// Corrected: Myanmar, not Cambodia.
	l.tap("destination", "mm")
	l.tap("dest_change", "no")
	if l.screen() != "job" || l.suggested() != "✓ CS, marketing, atau admin" {
		t.Fatalf("job: screen %q, suggestion %q", l.screen(), l.suggested())
	}
	l.tap("job", "cs")
	l.tap("returnee", "no")
	if l.suggested() != "✓ Gaji tinggi, syarat ringan" {
		t.Errorf("salary suggestion %q", l.suggested())
	}
	// Privacy: nothing of the text is stored, only ids; the suggestions
	// are there (so the check can offer them), the words are not.
	dump := storedText(l.env)
	if !strings.Contains(dump, "salary:high") {
		t.Errorf("the suggestions are not stored:\n%s", dump)
	}
	for _, word := range []string{"ZEBRAKUNING", "zebrakuning", "sihanoukville", "Sihanoukville", "15jt", "mengetik"} {
		if strings.Contains(dump, word) {
			t.Errorf("the store keeps %q from the pasted text:\n%s", word, dump)
		}
	}
}

// TestDistressGoesToTheEmergencyScreen: a cry for help reaches the
// emergency path before anything else, in the language it is written in,
// with who and where already answered when it says so; mid-check too, and
// the check can be resumed.
func TestDistressGoesToTheEmergencyScreen(t *testing.T) {
	t.Run("held in Myawaddy, English, session in Indonesian", func(t *testing.T) {
		l := newListener(t, "id")
		got := l.say("help me please, I am in Myawaddy and they watch my phone")
		if !l.last.Done || !strings.Contains(got, "If someone may check your phone") || !strings.Contains(got, "+95 9 503 7055") {
			t.Errorf("not the emergency screen for Myanmar in English:\n%s", got)
		}
	})
	t.Run("a relative, Indonesian, country unknown", func(t *testing.T) {
		l := newListener(t, "en")
		got := l.say("tolong adik saya disekap, paspornya ditahan")
		if l.screen() != "emg_country" || !strings.Contains(got, "Dia sekarang ada di negara mana?") {
			t.Errorf("want the country question for someone else, in Indonesian:\n%s", got)
		}
		l.say("kamboja")
		if !l.last.Done || !strings.Contains(allText(l.last), "Cara melapor dari rumah") {
			t.Errorf("typed country did not reach the family's screen:\n%s", allText(l.last))
		}
	})
	t.Run("tolong alone, mid-check", func(t *testing.T) {
		l := newListener(t, "id")
		l.send(convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart})
		l.tap("welcome", "self")
		l.tap("source", "friend")
		got := l.say("TOLOOONG!!!")
		if l.screen() != "emg_who" || !strings.Contains(got, "KP2MI") {
			t.Fatalf("want the contacts now and who is in trouble:\n%s", got)
		}
		resume := false
		for _, row := range l.last.Replies[len(l.last.Replies)-1].Buttons {
			for _, b := range row {
				resume = resume || strings.Contains(b.Label, "Kembali ke cek tadi")
			}
		}
		if !resume {
			t.Error("the paused check cannot be resumed")
		}
	})
	t.Run("a polite tolong is no cry for help", func(t *testing.T) {
		l := newListener(t, "id")
		l.say("tolong cek lowongan ini ya kak, kerja pabrik di Taiwan")
		if l.screen() != "welcome" {
			t.Errorf("step %q, want the welcome", l.screen())
		}
	})
}

// TestTrustQuestionGetsAnHonestAnswer: "is this safe?" and links get what
// the bot can and cannot do, then the check.
func TestTrustQuestionGetsAnHonestAnswer(t *testing.T) {
	for _, tc := range []struct{ lang, text, want string }{
		{"en", "is this company legal? https://bit.ly/kerja-thailand", "I cannot open links"},
		{"id", "ini aman gak sih?", "tidak bisa membuka link"},
	} {
		l := newListener(t, tc.lang)
		got := l.say(tc.text)
		if !strings.Contains(got, tc.want) || !strings.Contains(got, "0800-1000") || l.screen() != "welcome" {
			t.Errorf("%q:\n%s", tc.text, got)
		}
	}
	// Mid-check the question is answered and the question on screen comes
	// back, nothing changed.
	l := newListener(t, "en")
	l.send(convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart})
	l.tap("welcome", "self")
	got := l.say("is it legit?")
	if !strings.Contains(got, "I cannot open links") || l.screen() != "source" {
		t.Errorf("mid-check question:\n%s", got)
	}
}

// TestNothingUnderstoodIsSaidHonestly: a long message with no detail of an
// offer says so; a short greeting just gets the welcome.
func TestNothingUnderstoodIsSaidHonestly(t *testing.T) {
	l := newListener(t, "en")
	got := l.say("hello there, my cousin told me something yesterday and I wanted to ask about it today")
	if !strings.Contains(got, "I could not find details of a job offer") {
		t.Errorf("long message:\n%s", got)
	}
	l = newListener(t, "en")
	if got := l.say("hi"); strings.Contains(got, "could not find") || l.screen() != "welcome" {
		t.Errorf("greeting:\n%s", got)
	}
}

// storedText is everything the store holds, keys and values in full.
func storedText(env *testcore.Env) string {
	var b strings.Builder
	m := env.Redis
	for _, key := range m.Keys() {
		b.WriteString(key + "\n")
		switch m.Type(key) {
		case "hash":
			fields, _ := m.HKeys(key)
			for _, f := range fields {
				b.WriteString(f + "=" + m.HGet(key, f) + "\n")
			}
		case "string":
			v, _ := m.Get(key)
			b.WriteString(v + "\n")
		case "list":
			vs, _ := m.List(key)
			b.WriteString(strings.Join(vs, "\n") + "\n")
		case "set":
			vs, _ := m.Members(key)
			b.WriteString(strings.Join(vs, "\n") + "\n")
		}
	}
	return b.String()
}

// TestPastedMidCheckSaysWhatDiffers: a message pasted mid-check that names
// another country than the one answered says so, and changes no answer;
// what it adds is suggested when its question comes.
func TestPastedMidCheckSaysWhatDiffers(t *testing.T) {
	l := newListener(t, "id")
	l.send(convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart})
	l.tap("welcome", "self")
	l.tap("source", "socmed")
	l.tap("destination", "th")
	got := l.say("Kak nanti dari Bangkok kita lanjut ke Kamboja ya, kantor pusat di Sihanoukville. Paspor dipegang HRD")
	if !strings.Contains(got, "Kamboja (jawabanmu: Thailand)") || !strings.Contains(got, "⬅ Kembali") {
		t.Errorf("the difference is not said:\n%s", got)
	}
	if l.screen() != "dest_change" {
		t.Errorf("step %q, want the question on screen (dest_change) again", l.screen())
	}
	l.tap("dest_change", "yes")
	for l.screen() != "passport" && l.screen() != "" {
		s := l.screen()
		var first string
		for _, rep := range l.last.Replies {
			for _, row := range rep.Buttons {
				for _, b := range row {
					if tok, ok := flows.ParseToken(b.Data); ok && tok.Kind == flows.TokAnswer && first == "" {
						first = tok.Choice
					}
				}
			}
		}
		l.tap(s, first)
	}
	if l.suggested() != "✓ Agen atau majikan" {
		t.Errorf("passport suggestion %q", l.suggested())
	}
}

// TestTextOnTheEmergencyScreen: words typed on the emergency screen ("the
// embassy does not answer", "help") get what to do if nobody answers, not
// the job check's end hint or the first emergency question again.
func TestTextOnTheEmergencyScreen(t *testing.T) {
	l := newListener(t, "id")
	l.say("saya di myawaddy, tolong")
	if !l.last.Done {
		t.Fatalf("not at the emergency screen:\n%s", allText(l.last))
	}
	for _, typed := range []string{"nomor kbri nya ga diangkat kak", "help", "tolong"} {
		got := l.say(typed)
		if !strings.Contains(got, "+62 811 8080 141") || !strings.Contains(got, "Jangan kabur sendirian") || l.screen() != "" {
			t.Errorf("%q on the emergency screen:\n%s", typed, got)
		}
	}
}
