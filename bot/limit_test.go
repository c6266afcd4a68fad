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

// TestGroupBucketKeepsTwentyAMinute: a group's bucket lets through at most
// 20 messages in any 60 seconds, however fast the bot would send; a
// private chat keeps its one a second with a burst.
func TestGroupBucketKeepsTwentyAMinute(t *testing.T) {
	l := newLimiter(defaultLimits)
	group, private := l.forChat(-1001), l.forChat(42)
	if private.Limit() != 1 || private.Burst() != defaultLimits.burst {
		t.Errorf("private chat: %v/s burst %d", private.Limit(), private.Burst())
	}
	t0 := time.Now()
	var sent []time.Duration
	for at := time.Duration(0); at < 5*time.Minute; at += 100 * time.Millisecond {
		if group.AllowN(t0.Add(at), 1) {
			sent = append(sent, at)
		}
	}
	for i := range sent {
		n := 0
		for _, s := range sent[i:] {
			if s-sent[i] < time.Minute {
				n++
			}
		}
		if n > groupPerMinute {
			t.Fatalf("%d group messages in the minute from %v", n, sent[i])
		}
	}
	if len(sent) < 80 {
		t.Errorf("only %d group messages in 5 minutes: the bucket is stricter than it needs to be", len(sent))
	}
}
