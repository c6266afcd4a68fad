package convo_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/session"
)

// TestShow: "show" (a web page loaded again) shows the screen the check is
// at and changes nothing; with no check begun it shows and stores nothing.
func TestShow(t *testing.T) {
	h := newHarness(t)
	if r := h.cmd(convo.CmdShow); len(r.Replies) != 0 || len(h.m.Keys()) != 0 {
		t.Fatalf("show before any check: %d replies, keys %v; want none", len(r.Replies), h.m.Keys())
	}
	h.cmd(convo.CmdStart)
	h.press(h.button("For me"))
	screen := h.last.Replies
	shown := h.cmd(convo.CmdShow)
	if !reflect.DeepEqual(shown.Replies, screen) {
		t.Errorf("show = %+v\nwant the screen on display %+v", shown.Replies, screen)
	}
	// The buttons still work: nothing was restarted.
	h.press(h.last.Replies[0].Buttons[0][0].Data)
	if len(h.last.Replies) == 0 || h.last.Toast != "" {
		t.Errorf("a button of the shown screen did not apply: %+v", h.last)
	}
}

// TestVisitorKeys: a web visitor's session is apart from every chat's,
// however the visitor id reads.
func TestVisitorKeys(t *testing.T) {
	env := testcore.New(t, miniSource)
	ctx := context.Background()
	env.Core.Handle(ctx, convo.Request{ChatID: 12345, Kind: convo.KindCommand, Command: convo.CmdStart})
	env.Core.Handle(ctx, convo.Request{Visitor: "12345", Kind: convo.KindCommand, Command: convo.CmdStart})
	if n := len(env.Redis.Keys()); n != 2 {
		t.Fatalf("chat 12345 and visitor \"12345\" share a session: %d keys", n)
	}
	k := session.NewKeyer([]byte("test"))
	if k.Visitor("12345") == k.Chat(12345) {
		t.Error("the keyer gives a visitor a chat's key")
	}
}
