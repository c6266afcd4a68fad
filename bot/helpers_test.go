package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
)

// progress counts the updates the bot has finished handling, per chat.
type progress struct {
	mu      sync.Mutex
	handled map[int64]int
	changed chan struct{}
}

func newProgress() *progress {
	return &progress{handled: map[int64]int{}, changed: make(chan struct{})}
}

func (p *progress) add(chat int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.handled[chat]++
	close(p.changed)
	p.changed = make(chan struct{})
}

// wait blocks until n updates of chat have been handled; false on timeout.
func (p *progress) wait(chat int64, n int, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		p.mu.Lock()
		got, ch := p.handled[chat], p.changed
		p.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return false
		}
	}
}

// waitAll blocks until as many updates as queued() says (in all chats)
// have been handled; false on timeout.
func (p *progress) waitAll(queued func() int, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		p.mu.Lock()
		got, ch := 0, p.changed
		for _, n := range p.handled {
			got += n
		}
		p.mu.Unlock()
		if got >= queued() {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return false
		}
	}
}

func (p *progress) count(chat int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.handled[chat]
}

// user acts in one chat and knows how many updates it sent, so it can wait
// until the bot has handled all of them (sync) instead of sleeping.
type user struct {
	t       testing.TB
	e       *env
	c       *tgfake.Chat
	sent    int
	queries []string // every callback query id, to check each was answered
}

func newUser(t testing.TB, e *env, c *tgfake.Chat) *user {
	return &user{t: t, e: e, c: c}
}

func (u *user) send(text string) {
	u.c.SendText(text)
	u.sent++
}

func (u *user) pressData(msgID int, data string) string {
	id := u.c.Press(msgID, data)
	u.sent++
	u.queries = append(u.queries, id)
	return id
}

// tap presses the callback button labelled label on message m.
func (u *user) tap(m tgfake.Message, label string) string {
	u.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label && b.Kind == "callback_data" {
				return u.pressData(m.ID, b.CallbackData)
			}
		}
	}
	u.t.Fatalf("no button %q on message %d %q: %+v", label, m.ID, m.Text, m.Buttons)
	return ""
}

// sync waits until the bot has handled everything this user sent.
func (u *user) sync() {
	u.t.Helper()
	if !u.e.done.wait(u.c.ID, u.sent, 10*time.Second) {
		u.t.Fatalf("chat %d: the bot handled %d of %d updates", u.c.ID, u.e.done.count(u.c.ID), u.sent)
	}
}

// do runs act, waits until the bot handled it and returns the messages the
// bot showed meanwhile: those it edited (a tap's next question goes into
// the pressed message), then those it sent.
func (u *user) do(act func()) []tgfake.Message {
	u.t.Helper()
	before := u.c.Messages()
	act()
	u.sync()
	after := u.c.Messages()
	var out []tgfake.Message
	for i, m := range after[:len(before)] {
		if m.Edits > before[i].Edits {
			out = append(out, m)
		}
	}
	return append(out, after[len(before):]...)
}

// say sends text and returns the bot's new messages.
func (u *user) say(text string) []tgfake.Message {
	u.t.Helper()
	return u.do(func() { u.send(text) })
}

// last is the bot's latest message.
func (u *user) last() tgfake.Message { return u.c.Last() }

// allAnswered checks that every callback query of the user was answered.
func (u *user) allAnswered() {
	u.t.Helper()
	for _, id := range u.queries {
		if !u.c.Answered(id) {
			u.t.Errorf("chat %d: callback query %s was never answered", u.c.ID, id)
		}
	}
}

// byID is the message with id among msgs (a zero Message if none).
func byID(msgs []tgfake.Message, id int) tgfake.Message {
	for _, m := range msgs {
		if m.ID == id {
			return m
		}
	}
	return tgfake.Message{}
}

func joined(msgs []tgfake.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Text)
		b.WriteString("\n---\n")
	}
	return b.String()
}

// buttonData returns the callback data of the button labelled label.
func buttonData(t testing.TB, m tgfake.Message, label string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return b.CallbackData
			}
		}
	}
	t.Fatalf("no button %q on %q", label, m.Text)
	return ""
}

// errorLog is a slog handler that keeps the messages of error records
// (a recovered panic is one) and drops the rest.
type errorLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *errorLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }

func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	msg := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "panic" || a.Key == "err" {
			msg += " " + a.Key + "=" + a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, msg)
	return nil
}

func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }

func (l *errorLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.msgs...)
}

// holdUpdates makes e's bot wait, before handling each update, until
// release is called (at the latest when the test ends, before the bot
// stops, even when the test fails).
func holdUpdates(t *testing.T, e *env) (release func()) {
	held := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(held) }) }
	t.Cleanup(release)
	handle := e.bot.chats.handle
	e.bot.chats.handle = func(ctx context.Context, u *models.Update) {
		<-held
		handle(ctx, u)
	}
	return release
}
