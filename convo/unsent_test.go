package convo_test

import (
	"context"
	"strings"
	"testing"
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
