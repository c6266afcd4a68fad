package bot

import (
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/internal/tgfake"
)

// TestRateLimitsHold runs the bot with its real default limits against a
// fake that answers 429 to any message over Telegram's limits, as the real
// API does: 45 users start at once (over the 30 per second overall) and
// one of them types six answers in a row (over one per second in a
// chat). No message may be refused, and all must arrive.
func TestRateLimitsHold(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds of real time")
	}
	e := startWith(t, miniSource, true, []tgfake.Option{tgfake.WithEnforcedRateLimits()}, WithRateLimits(defaultLimits.global, defaultLimits.perChat, defaultLimits.burst))
	const users = 45
	chats := make([]*tgfake.Chat, users)
	for i := range chats {
		chats[i] = e.fake.NewPrivateChat("en")
	}
	start := time.Now()
	for _, c := range chats {
		c.SendText("/start")
	}
	fast := chats[0]
	for range 6 {
		fast.SendText("3") // "I don't know" is always the third choice
	}
	for i, c := range chats {
		want := 1
		if i == 0 {
			want = 7
		}
		if msgs, ok := c.WaitMessages(want, 20*time.Second); !ok {
			t.Fatalf("chat %d: %d messages, want %d", i, len(msgs), want)
		}
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("%d messages in %v: the limiter did not hold anything back", users+6, took)
	}
	st := e.fake.Stats()
	if st.GlobalRateExceeded+st.ChatRateExceeded > 0 {
		t.Errorf("over Telegram's limits: %d overall, %d in a chat", st.GlobalRateExceeded, st.ChatRateExceeded)
	}
	e.fake.AssertNoRejections(t)
}
