package convo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
)

// A reply that never reached the user (the bot shut down, Telegram was
// unreachable) must not leave them stuck behind buttons that are now
// stale: the next thing they do shows the screen they missed.
func TestLostReplyIsShownAgain(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	h.press(h.button("For me"))
	old := h.button("An ad")
	h.press(old) // applied; imagine its reply lost
	if err := h.core.MarkUnsent(context.Background(), h.chat); err != nil {
		t.Fatal(err)
	}
	resp := h.text("halo?")
	if !resp.Resent || !strings.Contains(text(resp), "Which country?") {
		t.Fatalf("text after a lost reply: %+v, want the question they missed", resp)
	}
	// Shown once: the mark is cleared by that save.
	if resp := h.text("halo?"); resp.Resent {
		t.Errorf("the screen was shown again a second time: %+v", resp)
	}

	// A stale tap after a lost reply: the toast, and the screen.
	h.press(h.button("Near country"))
	if err := h.core.MarkUnsent(context.Background(), h.chat); err != nil {
		t.Fatal(err)
	}
	resp = h.press(old)
	if resp.Toast == "" || !resp.Resent || !strings.Contains(text(resp), "Do you pay a fee?") {
		t.Errorf("stale tap after a lost reply: %+v", resp)
	}
}

// A repeated last tap at the verdict is a double tap unless the verdict's
// delivery is in doubt: it must not send the verdict twice.
func TestRepeatedTapAtTheVerdict(t *testing.T) {
	h := newHarness(t)
	h.cmd("start")
	h.press(h.button("For me"))
	h.press(h.button("An ad"))
	h.press(h.button("Near country"))
	yes := h.button("Yes")
	if resp := h.press(yes); !resp.Done {
		t.Fatalf("no verdict: %+v", resp)
	}
	if resp := h.press(yes); resp.Toast == "" || len(resp.Replies) != 0 {
		t.Errorf("double tap at the verdict: %+v, want only a toast", resp)
	}
	if err := h.core.MarkUnsent(context.Background(), h.chat); err != nil {
		t.Fatal(err)
	}
	resp := h.press(yes)
	if !resp.Resent || !strings.Contains(text(resp), "Higher risk.") {
		t.Errorf("repeated tap after the verdict was lost: %+v, want the verdict again", resp)
	}
}

// TestSpacesKeepChatsApart: one person (one chat id) with two bots has two
// chats: each bot's update ids count apart (the same id in the other is
// not a repeat), and /forget in one leaves the other.
func TestSpacesKeepChatsApart(t *testing.T) {
	h := newHarness(t)
	other := convo.Spaced{Core: h.core, Space: "222"}
	ctx := context.Background()
	first := h.core.Handle(ctx, convo.Request{ChatID: 5, UpdateID: 10, Kind: convo.KindCommand, Command: "start", LangHint: "en"})
	second := other.Handle(ctx, convo.Request{ChatID: 5, UpdateID: 10, Kind: convo.KindCommand, Command: "start", LangHint: "en"})
	if len(first.Replies) == 0 || len(second.Replies) == 0 {
		t.Fatalf("update 10 in each bot: %d and %d replies; the second was taken for a repeat", len(first.Replies), len(second.Replies))
	}
	if n := len(h.m.Keys()); n != 2 {
		t.Errorf("%d keys, want one per bot's chat", n)
	}
	if err := other.Forget(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if n := len(h.m.Keys()); n != 1 {
		t.Errorf("after /forget in one bot: %d keys, want the other's kept", n)
	}
}
