package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCommands runs every command from a given point of the mini flow and
// checks the bot's new messages.
func TestCommands(t *testing.T) {
	const (
		welcomeEN = "Welcome. Check an offer?"
		welcomeID = "ID Welcome. Check an offer?"
		sourceEN  = "Where did you find the offer?"
		destEN    = "Which country?"
	)
	toSource := []string{"/start", "1"}
	toDest := []string{"/start", "1", "2"}
	tests := []struct {
		name    string
		lang    string
		setup   []string
		cmd     string
		want    []string // in the new messages, in this order
		notWant []string
		n       int  // how many new messages
		gone    bool // nothing may be stored (deleted, or nothing begun)
	}{
		{name: "start fresh", lang: "en", cmd: "/start", want: []string{welcomeEN}, n: 1},
		{name: "start in Indonesian", lang: "id", cmd: "/start", want: []string{welcomeID}, n: 1},
		{name: "start, no language code gets English", lang: "", cmd: "/start", want: []string{welcomeEN}, notWant: []string{"ID "}, n: 1},
		{name: "start, other language gets English", lang: "ms", cmd: "/start", want: []string{welcomeEN}, notWant: []string{"ID "}, n: 1},
		{name: "start with payload", lang: "en", cmd: "/start fb_ads", want: []string{welcomeEN}, n: 1},
		{name: "start with language payload", lang: "en", cmd: "/start tiktok-id", want: []string{welcomeID}, n: 1},
		{name: "start with malformed payload", lang: "en", cmd: "/start <script>", want: []string{welcomeEN}, n: 1},
		{name: "start addressed to the bot", lang: "en", cmd: "/start@selfcheck_test_bot", want: []string{welcomeEN}, n: 1},
		{name: "start mid-check starts again", lang: "en", setup: toDest, cmd: "/start", want: []string{welcomeEN}, n: 1},
		{name: "restart", lang: "en", setup: toDest, cmd: "/restart", want: []string{welcomeEN}, n: 1},
		{name: "restart fresh", lang: "id", cmd: "/restart", want: []string{welcomeID}, n: 1},
		{name: "back", lang: "en", setup: toDest, cmd: "/back", want: []string{sourceEN}, n: 1},
		{name: "back to welcome", lang: "en", setup: toSource, cmd: "/back", want: []string{welcomeEN}, n: 1},
		{name: "back fresh", lang: "en", cmd: "/back", want: []string{welcomeEN}, n: 1},
		{name: "language en to id", lang: "en", setup: toSource, cmd: "/language", want: []string{"ID Language", "ID " + sourceEN}, n: 2},
		{name: "language id to en", lang: "id", setup: toSource, cmd: "/language", want: []string{"Language: English.", sourceEN}, notWant: []string{"ID "}, n: 2},
		{name: "language fresh", lang: "en", cmd: "/language", want: []string{"ID Language", welcomeID}, n: 2},
		{name: "help", lang: "en", setup: toDest, cmd: "/help", want: []string{"Contacts:", "0800-1000", "Which country are you in?"}, n: 2},
		{name: "help fresh, Indonesian", lang: "id", cmd: "/help", want: []string{"ID Contacts:", "0800-1000", "ID Which country are you in?"}, n: 2},
		{name: "help in capitals", lang: "en", cmd: "/HELP", want: []string{"Contacts:"}, n: 2},
		{name: "privacy", lang: "en", setup: toSource, cmd: "/privacy", want: []string{"We store little, for 1 hour."}, n: 1},
		{name: "privacy in Indonesian, nothing begun so nothing stored", lang: "id", cmd: "/privacy", want: []string{"ID We store little, for 1 jam."}, n: 1, gone: true},
		{name: "forget", lang: "en", setup: toDest, cmd: "/forget", want: []string{"Deleted."}, n: 1, gone: true},
		{name: "forget fresh", lang: "id", cmd: "/forget", want: []string{"ID Deleted."}, n: 1, gone: true},
		{name: "stats for a non-admin is help", lang: "en", cmd: "/stats", want: []string{"Contacts:"}, n: 2},
		{name: "unknown command re-prompts", lang: "en", setup: toSource, cmd: "/foo", want: []string{"Please tap a button.", sourceEN}, n: 2},
		{name: "a command to another bot is not ours", lang: "en", setup: toSource, cmd: "/restart@other_bot", want: []string{"Please tap a button.", sourceEN}, n: 2},
		{name: "our name in other capitals is ours", lang: "en", setup: toSource, cmd: "/restart@SelfCheck_Test_Bot", want: []string{welcomeEN}, n: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, miniSource)
			u := newUser(t, e, e.fake.NewPrivateChat(tt.lang))
			for _, s := range tt.setup {
				if len(u.say(s)) == 0 {
					t.Fatalf("setup %q: no reply", s)
				}
			}
			got := u.say(tt.cmd)
			text := joined(got)
			if len(got) != tt.n {
				t.Errorf("%s: %d new messages, want %d:\n%s", tt.cmd, len(got), tt.n, text)
			}
			rest := text
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("%s: want %q (in this order) in:\n%s", tt.cmd, w, text)
					break
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tt.notWant {
				if strings.Contains(text, w) {
					t.Errorf("%s: %q in:\n%s", tt.cmd, w, text)
				}
			}
			if keys := e.m.Keys(); tt.gone != (len(keys) == 0) {
				t.Errorf("%s: stored keys %v (want deleted: %v)", tt.cmd, keys, tt.gone)
			}
			e.fake.AssertNoRejections(t)
		})
	}
}

// TestForgetThenOldButton: after /forget an old button starts afresh, with
// a toast saying why, instead of failing or resurrecting the deleted answers.
func TestForgetThenOldButton(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	u.say("/start")
	q := u.say("1")[0] // source question
	u.say("/forget")
	if keys := e.m.Keys(); len(keys) != 0 {
		t.Fatalf("keys after /forget: %v", keys)
	}
	got := u.do(func() { u.tap(q, "An ad") })
	if text := joined(got); !strings.HasPrefix(text, "Welcome.") {
		t.Errorf("old button after /forget:\n%s", text)
	}
	if a, _ := u.c.Answer(u.queries[len(u.queries)-1]); a.Text != "Your check expired; starting again." {
		t.Errorf("old button after /forget: toast %q", a.Text)
	}
	u.allAnswered()
	e.fake.AssertNoRejections(t)
}

// TestStaleAndDoubleTaps: a tap from an earlier question or an earlier
// check, another answer to a question already answered, and a second Back
// tap change nothing and get a short notice.
func TestStaleAndDoubleTaps(t *testing.T) {
	tests := []struct {
		name string
		// run taps and returns the query ids that must get the stale notice
		run func(t *testing.T, u *user) (stale []string)
	}{
		{"other answer of the same question after it was answered", func(t *testing.T, u *user) []string {
			q := u.last()
			data := buttonData(t, q, "An office")
			u.tap(q, "An ad")
			u.sync()
			return []string{u.pressData(q.ID, data)}
		}},
		{"back tapped twice at once", func(t *testing.T, u *user) []string {
			u.say("2") // office -> dest
			q := u.last()
			u.tap(q, "Back")
			return []string{u.tap(q, "Back")}
		}},
		{"button from before a restart", func(t *testing.T, u *user) []string {
			q := u.last()
			u.say("/restart")
			u.say("1")
			return []string{u.tap(q, "An ad")}
		}},
		{"restart confirmed twice", func(t *testing.T, u *user) []string {
			// Start again on a question asks first; the confirmation
			// restarts once, its second tap is stale.
			u.do(func() { u.tap(u.last(), "Start again") })
			c := u.last()
			u.tap(c, "Yes, again")
			return []string{u.tap(c, "Yes, again")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, miniSource)
			u := newUser(t, e, e.fake.NewPrivateChat("en"))
			u.say("/start")
			u.say("1") // for me -> source
			before := len(u.c.Messages())
			stale := tt.run(t, u)
			u.sync()
			for _, id := range stale {
				if a, ok := u.c.Answer(id); !ok || a.Text != "That button is old." {
					t.Errorf("tap %s: answer %+v (answered %v), want the stale notice", id, a, ok)
				}
			}
			u.allAnswered()
			// Exactly one step was applied: one new question at most.
			msgs := u.c.Messages()
			if n := len(msgs) - before; n > 3 {
				t.Errorf("%d new messages:\n%s", n, joined(msgs[before:]))
			}
			e.fake.AssertNoRejections(t)
		})
	}
}

// TestDoubleTapIsHarmless: the same answer tapped twice at once is applied
// once; the second tap gets no notice (it did what the person wanted) and
// no Bot API call beyond its answer: the pressed message already shows the
// next question, with the answer in its trail.
func TestDoubleTapIsHarmless(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	u.say("/start")
	q := u.say("1")[0] // source
	before := len(u.c.Messages())
	edits := e.fake.Stats().Edits
	first, second := u.tap(q, "An ad"), u.tap(q, "An ad")
	u.sync()
	for _, id := range []string{first, second} {
		if a, ok := u.c.Answer(id); !ok || a.Text != "" {
			t.Errorf("tap %s: answer %+v (answered %v), want a silent answer", id, a, ok)
		}
	}
	msgs := u.c.Messages()
	if len(msgs) != before {
		t.Errorf("%d new messages:\n%s", len(msgs)-before, joined(msgs[before:]))
	}
	if got := e.fake.Stats().Edits - edits; got != 1 {
		t.Errorf("%d edits, want 1", got)
	}
	if last := u.last(); last.ID != q.ID || !strings.Contains(last.Text, "✓ An ad") || !strings.Contains(last.Text, "Which country?") {
		t.Errorf("the pressed message reads %q, want the trail and the next question", last.Text)
	}
	e.fake.AssertNoRejections(t)
}

// TestDoubleBackGoesBackOnce pins the double-tap case down: two taps of the
// same Back button leave the user one question back, not two.
func TestDoubleBackGoesBackOnce(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	u.say("/start")
	u.say("1") // source
	u.say("2") // dest
	q := u.last()
	u.tap(q, "Back")
	u.tap(q, "Back")
	u.sync()
	if last := u.last(); !strings.Contains(last.Text, "Where did you find the offer?") {
		t.Errorf("after a double tap of Back: %q, want the question one back", last.Text)
	}
}

// TestForgedTaps sends callback data no button of ours carried.
func TestForgedTaps(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	u.say("/start")
	q := u.say("1")[0] // source
	nonce := strings.Split(buttonData(t, q, "An ad"), ":")[1]
	forged := []string{
		"", "x", ":::", "a:::", strings.Repeat("a", 64), strings.Repeat("é", 40),
		"a:00000000:source:ad",          // another check's nonce
		"a:" + nonce + ":source:nope",   // no such choice
		"a:" + nonce + ":fee:yes",       // skipping ahead
		"a:" + nonce + ":welcome:other", // another answer to an earlier question
		"a:" + nonce + ":source:ad:x",   // one part too many
		"z:" + nonce + ":source:ad",     // unknown kind
		"l:" + nonce + "::xx",           // unknown language
		"<b>:" + nonce + ":&:\x00",
	}
	before := len(u.c.Messages())
	for _, data := range forged {
		id := u.pressData(q.ID, data)
		u.sync()
		if a, ok := u.c.Answer(id); !ok {
			t.Errorf("forged %q: not answered", data)
		} else if a.Text == "" {
			t.Errorf("forged %q: no notice", data)
		}
	}
	// (A valid tap under a message the bot can no longer see counts: see
	// TestTapOnInaccessibleMessage.)
	u.allAnswered()
	msgs := u.c.Messages()
	for _, m := range msgs[before:] {
		t.Errorf("forged data sent %q", m.Text)
	}
	if got := u.c.Messages()[before-1]; len(got.Buttons) == 0 {
		t.Errorf("forged data changed the question: %q", got.Text)
	}
	// The check goes on as if nothing happened.
	if got := u.do(func() { u.tap(q, "An ad") }); len(got) != 1 || !strings.Contains(got[0].Text, "Which country?") {
		t.Errorf("after forged taps, a real tap: %s", joined(got))
	}
	e.fake.AssertNoRejections(t)
}

// TestTypedAnswers types answers to the fee question (yes / no / unknown)
// of the mini flow in both languages and checks the verdict they lead to.
func TestTypedAnswers(t *testing.T) {
	const (
		yes     = "Fees are forbidden." // the fee flag: medium risk
		no      = "Lower risk."
		unknown = "Ask about fees."
		again   = "Please tap a button."
	)
	tests := []struct {
		lang, text, want string
	}{
		{"id", "ya", yes}, {"id", "iya", yes}, {"id", "Ya!", yes}, {"id", "  YA ", yes}, {"id", "yes", yes},
		{"id", "tidak", no}, {"id", "nggak", no}, {"id", "gak", no}, {"id", "no", no}, {"id", "Tidak", no},
		{"id", "tidak tahu", unknown}, {"id", "gak tau", unknown},
		{"id", "1", yes}, {"id", "2", no}, {"id", "3", unknown}, {"id", " 2 ", no},
		{"id", "4", again}, {"id", "0", again}, {"id", "mungkin", again}, {"id", "1 2", again},
		{"en", "yes", yes}, {"en", "Yes", yes}, {"en", "ya", yes}, {"en", "iya", yes},
		{"en", "no", no}, {"en", "No.", no}, {"en", "tidak", no}, {"en", "nggak", no},
		{"en", "I don't know", unknown}, {"en", "idk", unknown},
		{"en", "1", yes}, {"en", "2", no}, {"en", "3", unknown},
		{"en", "99", again}, {"en", "maybe", again}, {"en", "<b>yes</b> & no", again}, {"en", "🙂", again},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.text, func(t *testing.T) {
			e := start(t, miniSource)
			u := newUser(t, e, e.fake.NewPrivateChat(tt.lang))
			u.say("/start")
			u.say("1") // for me
			u.say("2") // an office
			q := u.say("2")
			if len(q) != 1 || !strings.Contains(q[0].Text, "Do you pay a fee?") {
				t.Fatalf("not at the fee question: %s", joined(q))
			}
			got := joined(u.say(tt.text))
			want := tt.want
			if tt.lang == "id" {
				want = "ID " + want
			}
			if !strings.Contains(got, want) {
				t.Errorf("typed %q: want %q in:\n%s", tt.text, want, got)
			}
			if tt.lang == "en" && strings.Contains(got, "ID ") {
				t.Errorf("typed %q: Indonesian in an English chat:\n%s", tt.text, got)
			}
			if tt.want == no && strings.Contains(got, "Fees are forbidden") {
				t.Errorf("typed %q: read as yes:\n%s", tt.text, got)
			}
			e.fake.AssertNoRejections(t)
		})
	}
}

// TestGroupChat: in a group, a command gets one line with a link to a
// private chat; anything else, and any tap, gets silence.
func TestGroupChat(t *testing.T) {
	for _, cmd := range []string{"/start", "/start@selfcheck_test_bot", "/help@selfcheck_test_bot", "/start campaign"} {
		t.Run(cmd, func(t *testing.T) {
			e := start(t, miniSource)
			g := newUser(t, e, e.fake.NewGroupChat())
			got := g.say(cmd)
			if len(got) != 1 || strings.Count(got[0].Text, "\n") > 0 ||
				!strings.Contains(got[0].Text, "https://t.me/selfcheck_test_bot?start=") || len(got[0].Buttons) != 0 {
				t.Fatalf("group reply to %q: %s", cmd, joined(got))
			}
			for _, s := range []string{"hello bot", "1", "ya", "https://t.me/x", "/start@other_bot"} {
				if got := g.say(s); len(got) != 0 {
					t.Errorf("the bot answered %q in a group: %s", s, joined(got))
				}
			}
			// One line is enough: more commands soon after get silence.
			for _, again := range []string{"/start", "/help@selfcheck_test_bot"} {
				if got := g.say(again); len(got) != 0 {
					t.Errorf("the bot answered %q again in the group: %s", again, joined(got))
				}
			}
			g.pressData(got[0].ID, "a:00000000:welcome:self")
			g.sync()
			g.allAnswered()
			if n := len(g.c.Messages()); n != 1 {
				t.Errorf("%d messages in the group, want 1", n)
			}
			if keys := e.m.Keys(); len(keys) != 0 {
				t.Errorf("a group chat stored state: %v", keys)
			}
			e.fake.AssertNoRejections(t)
		})
	}
}

// TestAPIFailures: 429 waits retry_after and succeeds; 5xx is retried;
// 403 (blocked) forgets the chat; a 400 is not retried (a failed edit
// becomes a new message).
func TestAPIFailures(t *testing.T) {
	tests := []struct {
		name   string
		method string
		code   int
		times  int
		calls  int  // sendMessage / answerCallbackQuery calls in all
		sent   bool // the message reached the chat
		gone   bool // session deleted
	}{
		{"429 then success", "sendMessage", 429, 1, 2, true, false},
		{"429 twice then success", "sendMessage", 429, 2, 3, true, false},
		{"502 then success", "sendMessage", 502, 1, 2, true, false},
		{"403 blocked", "sendMessage", 403, 1, 1, false, true},
		{"400 not retried", "sendMessage", 400, 1, 1, false, false},
		{"answer 429 then success", "answerCallbackQuery", 429, 1, 2, true, false},
		{"edit 429 then success", "editMessageText", 429, 1, 2, true, false},
		{"edit 403 blocked", "editMessageText", 403, 1, 1, false, true},
		// A message that cannot be edited: the question comes as a new one.
		{"edit 400 sends instead", "editMessageText", 400, 1, 1, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, miniSource)
			u := newUser(t, e, e.fake.NewPrivateChat("en"))
			u.say("/start")
			q := u.last()
			base := e.fake.Calls(tt.method)
			for range tt.times {
				e.fake.FailNext(tt.method, tt.code, 1, "")
			}
			var waited time.Duration
			var mu sync.Mutex
			e.bot.sleep = func(ctx context.Context, d time.Duration) bool {
				mu.Lock()
				waited += d
				mu.Unlock()
				return ctx.Err() == nil
			}
			// A tap edits its message into the next question; a typed
			// answer gets a new message.
			act := func() { u.tap(q, "For me") }
			if tt.method == "sendMessage" {
				act = func() { u.send("1") }
			}
			got := u.do(act)
			if n := e.fake.Calls(tt.method) - base; n != tt.calls {
				t.Errorf("%s calls = %d, want %d", tt.method, n, tt.calls)
			}
			if sent := len(got) > 0; sent != tt.sent {
				t.Errorf("message sent: %v, want %v", sent, tt.sent)
			}
			mu.Lock()
			if tt.code == 429 && waited != time.Duration(tt.times)*time.Second {
				t.Errorf("waited %v before retrying, want retry_after (1 s) for each 429", waited)
			}
			mu.Unlock()
			if keys := e.m.Keys(); tt.gone != (len(keys) == 0) {
				t.Errorf("keys %v, want deleted: %v", keys, tt.gone)
			}
			if tt.method == "answerCallbackQuery" {
				u.allAnswered()
			}
			e.fake.AssertNoRejections(t)
		})
	}
}

// TestFiftyTapsAtOnce sends 50 taps of one chat at once: answer, Back,
// answer, Back... Each must be applied exactly once and in order (a tap
// out of order would be stale and get a notice), each turning the one
// message into the next screen.
func TestFiftyTapsAtOnce(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	u.say("/start")
	u.say("1")         // source, answered by typing: the next is also typed
	q := u.say("1")[0] // dest
	answer := buttonData(t, q, "Near country")
	// Go to the fee question once by a tap to learn its Back button, and
	// back again: both in the same message.
	f := u.do(func() { u.tap(q, "Near country") })[0]
	back := buttonData(t, f, "Back")
	u.do(func() { u.tap(f, "Back") })
	before := len(u.c.Messages())
	edits := e.fake.Stats().Edits
	var ids []string
	for i := range 50 {
		if i%2 == 0 {
			ids = append(ids, u.pressData(q.ID, answer))
		} else {
			ids = append(ids, u.pressData(q.ID, back))
		}
	}
	u.sync()
	u.allAnswered()
	for i, id := range ids {
		if a, _ := u.c.Answer(id); a.Text != "" {
			t.Errorf("tap %d got %q: applied out of order", i, a.Text)
		}
	}
	if msgs := u.c.Messages()[before:]; len(msgs) != 0 {
		t.Errorf("%d new messages, want every screen in the pressed message:\n%s", len(msgs), joined(msgs))
	}
	if n := e.fake.Stats().Edits - edits; n != 50 {
		t.Errorf("%d edits, want one per tap (50)", n)
	}
	if last := u.c.Messages()[before-1]; !strings.Contains(last.Text, "Which country?") {
		t.Errorf("after answer, Back x25 the message reads %q", last.Text)
	}
	for _, r := range e.fake.Rejections() {
		if !strings.Contains(r.Description, "message is not modified") {
			t.Errorf("telegram rejected: %s", r)
		}
	}
}

// TestGroupCommandToAnotherBot: in a group with several bots, a command
// addressed to another one is not answered; one addressed to us is.
func TestGroupCommandToAnotherBot(t *testing.T) {
	e := start(t, miniSource)
	g := newUser(t, e, e.fake.NewGroupChat())
	if got := g.say("/start@other_bot"); len(got) != 0 {
		t.Errorf("answered a command to another bot: %s", joined(got))
	}
	if got := g.say("/start@selfcheck_test_bot"); len(got) != 1 {
		t.Errorf("our own command: %d replies", len(got))
	}
	e.fake.AssertNoRejections(t)
}
