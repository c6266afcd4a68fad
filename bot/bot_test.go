package bot

import (
	"context"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
	"github.com/selfcheck-id/selfcheck/session"
)

const wait = 5 * time.Second

var miniSource = convo.Source{
	Flows: os.DirFS("../flows/testdata/mini"), FlowsDir: ".",
	Locales: os.DirFS("../flows/testdata/mini-locales"), LocalesDir: ".",
}

type env struct {
	fake *tgfake.Server
	bot  *Bot
	m    *miniredis.Miniredis
	core *convo.Core
	done *progress // updates handled so far, per chat
	errs *errorLog // what the bot logged at level error (panics...)
}

// start runs a bot by long polling against a fake Bot API, with content
// from src and state in miniredis, until the test ends.
// sessionTTL is how long the test bots keep sessions; messages that say it
// ({{.Kept}}) render it.
const sessionTTL = time.Hour

func start(t *testing.T, src convo.Source) *env {
	t.Helper()
	return startBot(t, src, true)
}

// startBot makes the bot; with poll it also long-polls the fake. Webhook
// tests do not poll: polling deletes the webhook (as it must in production)
// and the real API refuses getUpdates while a webhook is set.
func startBot(t *testing.T, src convo.Source, poll bool) *env {
	t.Helper()
	return startWith(t, src, poll, nil)
}

// startWith is startBot with options for the fake and, after the test
// defaults, for the bot.
func startWith(t *testing.T, src convo.Source, poll bool, fakeOpts []tgfake.Option, botOpts ...Option) *env {
	t.Helper()
	content, ps := convo.LoadContent(src)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	errs := &errorLog{}
	log := slog.New(errs)
	core := convo.NewCore(content, session.NewStore(rdb, sessionTTL), session.NewKeyer([]byte("k")), log)
	fake := tgfake.New(fakeOpts...)
	t.Cleanup(fake.Close)
	ctx, cancel := context.WithCancel(context.Background())
	// Tests tap faster than a person; TestRateLimitsHold checks the real limits.
	opts := append([]Option{WithAPIURL(fake.URL()), WithLogger(log), WithRateLimits(0, 0, 0)}, botOpts...)
	b, err := New(ctx, core, "123456:TEST", opts...)
	if err != nil {
		t.Fatal(err)
	}
	b.retry = retryPolicy{attempts: 4, backoff: 10 * time.Millisecond, maxWait: 3 * time.Second}
	core.ShareLink = b.Link("")
	// Count handled updates per chat, so a test can wait until the bot is
	// done with everything it sent instead of sleeping.
	prog := newProgress()
	handle := b.chats.handle
	b.chats.handle = func(ctx context.Context, u *models.Update) {
		defer prog.add(chatOf(u))
		handle(ctx, u)
	}
	done := make(chan struct{})
	if poll {
		go func() { _ = b.Poll(ctx); close(done) }()
	} else {
		close(done)
	}
	t.Cleanup(func() { cancel(); <-done })
	return &env{fake: fake, bot: b, m: m, core: core, done: prog, errs: errs}
}

// reply waits for the bot's next new message after n messages.
func reply(t *testing.T, c *tgfake.Chat, n int) tgfake.Message {
	t.Helper()
	msgs, ok := c.WaitMessages(n+1, wait)
	if !ok {
		t.Fatalf("no reply: %d messages, want %d", len(msgs), n+1)
	}
	return msgs[len(msgs)-1]
}

// settle waits until the chat has had no new message for a moment.
func settle(e *env, c *tgfake.Chat) []tgfake.Message {
	if !e.done.waitAll(func() int { return e.fake.Stats().UpdatesQueued }, wait) {
		panic("the bot did not handle every update in time")
	}
	return c.Messages()
}

func press(t *testing.T, c *tgfake.Chat, msg tgfake.Message, label string) string {
	t.Helper()
	id, ok := c.PressButton(msg.ID, label)
	if !ok {
		t.Fatalf("no button %q on message %d: %+v", label, msg.ID, msg.Buttons)
	}
	if !c.WaitAnswered(id, wait) {
		t.Fatalf("callback %q was not answered", label)
	}
	return id
}

var phone = regexp.MustCompile(`\+\d[\d ]{7,}|\b0800-1000\b|\b1[12]\d\b`)

func TestStartToVerdictInBothLanguages(t *testing.T) {
	tests := []struct {
		lang, self, verdict string
	}{
		{"en-US", "For me", "Why:"},
		{"id", "ID For me", "ID Why:"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			e := start(t, miniSource)
			c := e.fake.NewPrivateChat(tt.lang)
			c.SendText("/start")
			press(t, c, reply(t, c, 0), tt.self)
			// Answer every question with its first button until the verdict.
			for range 10 {
				msgs := settle(e, c)
				last := msgs[len(msgs)-1]
				if strings.Contains(last.Text, tt.verdict) {
					break // the verdict and the contacts, in one message
				}
				press(t, c, last, last.Buttons[0][0].Text)
			}
			msgs := settle(e, c)
			all := ""
			for _, m := range msgs {
				all += m.Text + "\n"
			}
			if !strings.Contains(all, tt.verdict) || !phone.MatchString(msgs[len(msgs)-1].Text) {
				t.Errorf("no verdict with a phone number:\n%s", all)
			}
			// Answered questions were edited: no buttons left on them.
			for _, m := range msgs[:len(msgs)-1] {
				if len(m.Buttons) > 0 {
					t.Errorf("message %d still has buttons: %q", m.ID, m.Text)
				}
			}
			e.fake.AssertNoRejections(t)
			if e.fake.Calls("setMyCommands") != 3 {
				t.Errorf("setMyCommands calls = %d, want 3 (id, en, default)", e.fake.Calls("setMyCommands"))
			}
		})
	}
}

func TestStaleDoubleAndForgedTaps(t *testing.T) {
	e := start(t, miniSource)
	c := e.fake.NewPrivateChat("en")
	c.SendText("/start")
	welcome := reply(t, c, 0)
	data := welcome.Buttons[0][0].CallbackData
	press(t, c, welcome, "For me")
	before := settle(e, c)
	// The same tap again is a double tap: answered without a word, and
	// the message already shows the next question.
	id := c.Press(welcome.ID, data)
	if !c.WaitAnswered(id, wait) {
		t.Fatal("double tap not answered")
	}
	if ans, _ := c.Answer(id); ans.Text != "" {
		t.Errorf("double tap: toast %q", ans.Text)
	}
	for _, forged := range []string{"x", strings.Repeat("a", 64), "a:00000000:source:ad"} {
		id := c.Press(welcome.ID, forged)
		if !c.WaitAnswered(id, wait) {
			t.Fatalf("forged %q not answered", forged)
		}
		if ans, _ := c.Answer(id); ans.Text == "" {
			t.Errorf("forged %q: no toast", forged)
		}
	}
	if after := settle(e, c); len(after) != len(before) {
		t.Errorf("stale taps sent messages: %d -> %d", len(before), len(after))
	}
	e.fake.AssertNoRejections(t)
}

func TestTypedAnswersAndJunk(t *testing.T) {
	e := start(t, miniSource)
	c := e.fake.NewPrivateChat("id")
	c.SendText("/start")
	reply(t, c, 0)
	c.SendText("1")
	if m := reply(t, c, 1); !strings.Contains(m.Text, "ID Where did you find") {
		t.Fatalf("typed 1: %q", m.Text)
	}
	c.SendText("<b>junk</b> & more")
	msgs, _ := c.WaitMessages(4, wait)
	if len(msgs) < 4 || !strings.Contains(msgs[2].Text, "ID Please tap") || len(msgs[3].Buttons) == 0 {
		t.Fatalf("junk text: want a re-prompt and the question with buttons, got %+v", msgs)
	}
	e.fake.AssertNoRejections(t)
}

func TestGroupChatGetsOneLinkThenSilence(t *testing.T) {
	e := start(t, miniSource)
	g := e.fake.NewGroupChat()
	g.SendText("/start@selfcheck_test_bot")
	m := reply(t, g, 0)
	if !strings.Contains(m.Text, "https://t.me/selfcheck_test_bot?start=") {
		t.Errorf("group reply: %q", m.Text)
	}
	g.SendText("hello bot")
	if msgs := settle(e, g); len(msgs) != 1 {
		t.Errorf("the bot talked in the group: %d messages", len(msgs))
	}
}

func TestTooManyRequestsThenSuccess(t *testing.T) {
	e := start(t, miniSource)
	c := e.fake.NewPrivateChat("en")
	e.fake.FailNext("sendMessage", 429, 1, "")
	c.SendText("/start")
	if _, ok := c.WaitMessages(1, wait); !ok {
		t.Fatal("the message was not sent after retry_after")
	}
	if got := e.fake.Calls("sendMessage"); got != 2 {
		t.Errorf("sendMessage calls = %d, want 2 (429, then success)", got)
	}
}

func TestBlockedUserEndsTheSession(t *testing.T) {
	e := start(t, miniSource)
	c := e.fake.NewPrivateChat("en")
	c.SendText("/start")
	reply(t, c, 0)
	if len(e.m.Keys()) == 0 {
		t.Fatal("no session stored")
	}
	e.fake.Block(c.ID)
	c.SendText("1")
	settle(e, c)
	if keys := e.m.Keys(); len(keys) > 0 {
		t.Errorf("session kept after the user blocked the bot: %v", keys)
	}
}

// TestFiftyTapsOneChat sends 50 updates of one chat at once; they must be
// applied exactly once each, in order: "1" (answer) and "/back" alternate,
// so in order the replies alternate between two questions.
func TestFiftyTapsOneChat(t *testing.T) {
	e := start(t, miniSource)
	c := e.fake.NewPrivateChat("en")
	c.SendText("/start")
	reply(t, c, 0)
	c.SendText("1") // for me -> source
	reply(t, c, 1)
	for i := range 50 {
		if i%2 == 0 {
			c.SendText("1") // source -> dest
		} else {
			c.SendText("/back") // dest -> source
		}
	}
	msgs, ok := c.WaitMessages(52, 10*time.Second)
	if !ok {
		t.Fatalf("got %d messages, want 52", len(msgs))
	}
	msgs = settle(e, c)
	if len(msgs) != 52 {
		t.Fatalf("got %d messages, want exactly 52: an update was applied twice", len(msgs))
	}
	for i, m := range msgs[2:] {
		want := "Which country?"
		if i%2 == 1 {
			want = "Where did you find the offer?"
		}
		if !strings.Contains(m.Text, want) {
			t.Fatalf("reply %d = %q, want %q: updates applied out of order", i, m.Text, want)
		}
	}
}
