package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
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

// clock is a settable time for the pacer's tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestPacer(r rateLimits) (*pacer, *clock) {
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	return newPacer(r, c.now), c
}

// maxInWindow is the most bookings in any window of length w.
func maxInWindow(at []time.Time, w time.Duration) int {
	most := 0
	for i := range at {
		n := 0
		for _, t := range at {
			if !t.Before(at[i]) && t.Sub(at[i]) < w {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// TestGroupBucketKeepsTwentyAMinute: a group gets at most 20 messages in
// any 60 seconds, however fast the bot asks; and not much fewer.
func TestGroupBucketKeepsTwentyAMinute(t *testing.T) {
	p, c := newTestPacer(defaultLimits)
	start := c.t
	var sent []time.Time
	for c.t.Sub(start) < 5*time.Minute {
		bk := p.book(-1001)
		if bk.at.Sub(start) < 5*time.Minute {
			sent = append(sent, bk.at)
		}
		c.t = bk.at.Add(100 * time.Millisecond)
	}
	if n := maxInWindow(sent, time.Minute); n > groupPerMinute {
		t.Errorf("%d group messages in a minute", n)
	}
	if len(sent) < 80 {
		t.Errorf("only %d group messages in 5 minutes: the bucket is stricter than it needs to be", len(sent))
	}
}

// TestPacerIsFairAndKeepsTheLimits: 120 chats ask at the same moment, one
// of them for 6 messages. Overall, no second holds more than 30; each chat
// keeps one a second after its burst; the chat with 6 does not hold back
// the others, and a chat asking last is served last.
func TestPacerIsFairAndKeepsTheLimits(t *testing.T) {
	p, c := newTestPacer(defaultLimits)
	t0 := c.t
	var all []time.Time
	var greedy []time.Time
	for range 6 {
		bk := p.book(1)
		greedy = append(greedy, bk.at)
		all = append(all, bk.at)
	}
	var others []time.Time
	for chat := int64(2); chat <= 120; chat++ {
		bk := p.book(chat)
		others = append(others, bk.at)
		all = append(all, bk.at)
	}
	if n := maxInWindow(all, time.Second); n > 30 {
		t.Errorf("%d messages in one second, want at most 30", n)
	}
	if n := maxInWindow(greedy, time.Second); n > defaultLimits.burst+1 {
		t.Errorf("one chat got %d messages in a second", n)
	}
	if d := greedy[5].Sub(t0); d < 2*time.Second {
		t.Errorf("the 6th message of one chat after %v: its burst is %d at one a second", d, defaultLimits.burst)
	}
	// First come, first served: the others follow one another, and the
	// greedy chat's later messages take slots only when its limit allows.
	for i := 1; i < len(others); i++ {
		if others[i].Before(others[i-1]) {
			t.Fatalf("chat %d was booked before chat %d, which asked first", i+2, i+1)
		}
	}
	last := others[len(others)-1].Sub(t0)
	if last > 4400*time.Millisecond || last < 3500*time.Millisecond {
		t.Errorf("the 125th message overall goes at %v, want about 125/30 s (with the window guard's margin)", last)
	}
	// What a new chat would wait is what the queue says.
	if d := p.expected(999); d < last || d > last+100*time.Millisecond {
		t.Errorf("expected wait %v, want just after %v", d, last)
	}
}

// TestPacerReleasesWhatIsNotSent: a sender that gives up frees its slot.
func TestPacerReleasesWhatIsNotSent(t *testing.T) {
	p, _ := newTestPacer(defaultLimits)
	first := p.book(1)
	p.release(first)
	if again := p.book(2); !again.at.Equal(first.at) {
		t.Errorf("the released slot %v was not given again (got %v)", first.at, again.at)
	}
}

// TestPacerWindowGuard: however the bookings went, at most 30 messages are
// in flight or returned within the last second (plus margin).
func TestPacerWindowGuard(t *testing.T) {
	p, c := newTestPacer(defaultLimits)
	for i := range 30 {
		if d := p.admit(); d != 0 {
			t.Fatalf("send %d held back %v", i+1, d)
		}
	}
	if d := p.admit(); d <= 0 {
		t.Errorf("a 31st send with 30 in flight: wait %v", d)
	}
	for range 30 {
		p.sent(0)
	}
	c.t = c.t.Add(time.Second)
	if d := p.admit(); d != windowMargin {
		t.Errorf("30 returned a second ago: wait %v, want the margin", d)
	}
	c.t = c.t.Add(windowMargin)
	if d := p.admit(); d != 0 {
		t.Errorf("after the window: wait %v", d)
	}
}

// TestBusyNoticeOnTap: when the next question would take more than 3 s
// (the send queue is booked ahead), the tap's answer says so and roughly
// when it comes; the question still comes.
func TestBusyNoticeOnTap(t *testing.T) {
	e := startWith(t, miniSource, true, nil, WithRateLimits(10, 1, 4))
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	welcome := u.say("/start")[0]
	for chat := int64(1); chat <= 40; chat++ { // 4 s of sends booked by others
		e.bot.limit.book(chat)
	}
	id := u.tap(welcome, "For me")
	if !u.c.WaitAnswered(id, wait) {
		t.Fatal("the tap was not answered")
	}
	a, _ := u.c.Answer(id)
	if !strings.HasPrefix(a.Text, "Busy: about ") {
		t.Errorf("the tap's answer %q, want the busy notice", a.Text)
	}
	u.sync()
	if got := byID(u.c.Messages(), welcome.ID); !strings.Contains(got.Text, "Where did you find the offer?") {
		t.Errorf("after the wait the message reads %q", got.Text)
	}
}

// TestNewcomersGoFirst: with the send queue booked seconds ahead by people
// in their checks, the first reply to someone who just arrived still goes
// within about a second; those in their checks keep first come, first
// served among themselves, and nothing passes the limits.
func TestNewcomersGoFirst(t *testing.T) {
	p, c := newTestPacer(defaultLimits)
	for chat := int64(1); chat <= 60; chat++ { // known chats: their welcome went long ago
		p.book(chat)
	}
	c.t = c.t.Add(time.Minute)
	t0 := c.t
	var all, taps []time.Time
	for range 3 {
		for chat := int64(1); chat <= 60; chat++ {
			bk := p.book(chat)
			taps = append(taps, bk.at)
			all = append(all, bk.at)
		}
	}
	if last := taps[len(taps)-1].Sub(t0); last < 5*time.Second {
		t.Fatalf("180 replies booked within %v: the queue is not long, the test shows nothing", last)
	}
	first := p.book(1000)
	all = append(all, first.at)
	if d := first.at.Sub(t0); d > heldNear+100*time.Millisecond {
		t.Errorf("a newcomer's first reply waits %v behind a queue of %v", d, taps[len(taps)-1].Sub(t0))
	}
	if again := p.book(1000); again.at.Sub(t0) < 5*time.Second {
		t.Errorf("the newcomer's second message (%v) jumped the queue too", again.at.Sub(t0))
	}
	if n := maxInWindow(all, time.Second); n > 30 {
		t.Errorf("%d messages in one second", n)
	}
	late := 0
	for i := 1; i < len(taps); i++ {
		if taps[i].Before(taps[i-1]) && taps[i-1].Sub(t0) > heldNear {
			late++
		}
	}
	if late > 0 {
		t.Errorf("%d replies booked after others went before them beyond the near second", late)
	}
}

// TestPacerBooksWhatTheGuardLets: the booked times never ask for more
// than the window guard lets through (30 per second plus its margin plus a
// call's usual time), so that booked times hold and nobody's turn is
// taken by whoever wakes first; slower calls leave more slots empty.
func TestPacerBooksWhatTheGuardLets(t *testing.T) {
	for _, took := range []time.Duration{0, 100 * time.Millisecond} {
		p, _ := newTestPacer(defaultLimits)
		for range 50 {
			p.sent(took) // the usual call time, learnt
		}
		p.inFlight = 0
		var at []time.Time
		for chat := int64(1); chat <= 300; chat++ {
			at = append(at, p.book(chat).at)
		}
		window := time.Second + windowMargin + took
		if n := maxInWindow(at, window); n > 30 {
			t.Errorf("calls taking %v: %d booked within %v, more than the guard lets through", took, n, window)
		}
		if n := maxInWindow(at, window); n < 27 {
			t.Errorf("calls taking %v: only %d booked within %v: slots wasted", took, n, window)
		}
	}
}

// TestPacerWithVerySlowCalls: calls slower than a second leave the pacer
// free slots still (no endless search), and the guard holds the rest.
func TestPacerWithVerySlowCalls(t *testing.T) {
	p, c := newTestPacer(defaultLimits)
	p.book(1)
	c.t = c.t.Add(time.Minute) // chat 1 is known now
	for range 50 {
		p.sent(5 * time.Second)
	}
	p.inFlight = 0
	for range 10 {
		p.book(1)
	}
	if bk := p.book(2); bk.at.Before(c.t) {
		t.Errorf("booked in the past: %v", bk.at)
	}
}
