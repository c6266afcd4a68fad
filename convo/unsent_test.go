package convo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
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

// landedButLost is a Redis client hook: while on, a session save reaches
// Redis and is applied, but the client is told it timed out, as when
// Redis stalls past the read timeout after taking the write.
type landedButLost struct{ on bool }

func (h *landedButLost) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *landedButLost) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *landedButLost) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if h.on && (cmd.Name() == "evalsha" || cmd.Name() == "eval") {
			return errors.New("i/o timeout")
		}
		return err
	}
}

// TestStallOfUnknownOutcome: the tap was stored but the user was told to
// try again; trying again (the same tap) shows where they are, instead of
// a stale-button notice that would leave them stuck.
func TestStallOfUnknownOutcome(t *testing.T) {
	env := testcore.New(t, miniSource)
	hook := &landedButLost{}
	env.Client.AddHook(hook)
	h := &harness{t: t, core: env.Core, m: env.Redis, chat: 78}
	h.cmd("start")
	h.press(h.button("For me"))
	ad := h.button("An ad")
	hook.on = true
	if resp := h.press(ad); !resp.Important || resp.Toast == "" {
		t.Fatalf("a save that timed out: %+v, want the try-again notice", resp)
	}
	hook.on = false
	resp := h.press(ad)
	if !resp.Resent || !strings.Contains(text(resp), "Which country?") || resp.Toast != "" {
		t.Errorf("the same tap again after the stall: %+v, want the question it led to", resp)
	}
	// The same at the verdict, which a double tap would not get again:
	// here its delivery is in doubt, so it is sent.
	h.press(h.button("Near country"))
	yes := h.button("Yes")
	hook.on = true
	h.press(yes)
	hook.on = false
	if resp := h.press(yes); !resp.Resent || !strings.Contains(text(resp), "Higher risk.") {
		t.Errorf("the verdict tap again after the stall: %+v, want the verdict", resp)
	}
}
