package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
)

// panicky is a core that panics on the text "boom".
type panicky struct{ Core }

func (p panicky) Handle(ctx context.Context, req convo.Request) convo.Response {
	if req.Text == "boom" {
		panic("boom")
	}
	return p.Core.Handle(ctx, req)
}

// TestPanicIsRecovered: a panic while handling one update is logged and
// the bot goes on serving that chat and others.
func TestPanicIsRecovered(t *testing.T) {
	e := startBot(t, miniSource, false)
	e.bot.core = panicky{e.core}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = e.bot.Poll(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	a := newUser(t, e, e.fake.NewPrivateChat("en"))
	b := newUser(t, e, e.fake.NewPrivateChat("id"))
	a.say("/start")
	if got := a.say("boom"); len(got) != 0 {
		t.Errorf("a panicking update sent %s", joined(got))
	}
	for _, u := range []*user{a, b} {
		if got := u.say("/help"); !strings.Contains(joined(got), "Contacts:") {
			t.Errorf("after a panic, /help got %s", joined(got))
		}
	}
	if errs := e.errs.all(); len(errs) != 1 || !strings.Contains(errs[0], "panic") {
		t.Errorf("logged errors: %q, want the one panic", errs)
	}
	e.fake.AssertNoRejections(t)
}
