package bot

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
	"github.com/selfcheck-id/selfcheck/session"
)

// TestDispatcherBoundsOneChat: a chat flooding updates while its first one
// is still being handled keeps at most maxQueue waiting; other chats are
// not held up.
func TestDispatcherBoundsOneChat(t *testing.T) {
	release, started := make(chan struct{}), make(chan struct{}, maxQueue+1)
	var handled, dropped atomic.Int64
	d := newDispatcher(func(_ context.Context, u *models.Update) {
		if u.Message.Chat.ID == 1 {
			started <- struct{}{}
			<-release
		}
		handled.Add(1)
	})
	d.dropped = func(*models.Update) { dropped.Add(1) }
	msg := func(chat int64) *models.Update {
		return &models.Update{Message: &models.Message{Chat: models.Chat{ID: chat}}}
	}
	d.add(msg(1))
	<-started                 // the first is being handled, out of the queue
	for range maxQueue + 30 { // maxQueue wait, 30 are too many
		d.add(msg(1))
	}
	d.add(msg(2))
	for handled.Load() < 1 { // chat 2 goes through while chat 1 is stuck
	}
	close(release)
	if !d.shutdown(time.Minute) {
		t.Fatal("not all handled within a minute")
	}
	if got := dropped.Load(); got != 30 {
		t.Errorf("dropped %d updates, want 30", got)
	}
	if got := handled.Load(); got != maxQueue+1+1 {
		t.Errorf("handled %d updates, want %d", got, maxQueue+2)
	}
}

// TestDispatcherShutdownCancelsAfterGrace: at shutdown a handler stuck
// waiting (for a rate limit, a retry) gets the grace period, then its
// context is cancelled; what is still queued is dropped, not handled, and
// shutdown returns.
func TestDispatcherShutdownCancelsAfterGrace(t *testing.T) {
	var handled, dropped atomic.Int64
	d := newDispatcher(func(ctx context.Context, _ *models.Update) {
		handled.Add(1)
		<-ctx.Done() // waits as a rate limit would, until cancelled
	})
	d.abandoned = func(_ int64, n int) { dropped.Add(int64(n)) }
	for range 5 {
		d.add(&models.Update{Message: &models.Message{Chat: models.Chat{ID: 7}}})
	}
	d.add(&models.Update{Message: &models.Message{Chat: models.Chat{ID: 8}}})
	start := time.Now()
	if d.shutdown(100 * time.Millisecond) {
		t.Error("shutdown reports everything handled")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("shutdown took %s", took)
	}
	if handled.Load() != 2 || dropped.Load() != 4 {
		t.Errorf("handled %d (want 2, one per chat), dropped %d (want 4)", handled.Load(), dropped.Load())
	}
	// After shutdown nothing more is handled.
	d.add(&models.Update{Message: &models.Message{Chat: models.Chat{ID: 9}}})
	d.shutdown(0)
	if handled.Load() != 2 || dropped.Load() != 5 {
		t.Errorf("an update after shutdown: handled %d, dropped %d (want 2 and 5)", handled.Load(), dropped.Load())
	}
}

// TestDispatcherRefusesBeyondItsBound: at the bound an update is refused
// (busy), not queued, so memory stays bounded; room comes back as updates
// are done, and wait takes the update then; after close every offer is
// refused (closing).
func TestDispatcherRefusesBeyondItsBound(t *testing.T) {
	release := make(chan struct{})
	var handled atomic.Int64
	d := newDispatcher(func(_ context.Context, _ *models.Update) {
		<-release
		handled.Add(1)
	})
	d.limit = 3
	msg := func(chat int64) *models.Update {
		return &models.Update{Message: &models.Message{Chat: models.Chat{ID: chat}}}
	}
	for chat := range int64(3) {
		if got := d.offer(msg(chat + 1)); got != accepted {
			t.Fatalf("update %d: %v", chat+1, got)
		}
	}
	if got := d.offer(msg(4)); got != busy {
		t.Errorf("a fourth update with 3 in hand: %v, want busy", got)
	}
	if n := d.held(); n != 3 {
		t.Errorf("%d in hand, want 3", n)
	}
	took := make(chan bool)
	go func() { took <- d.wait(context.Background(), msg(5)) }()
	select {
	case <-took:
		t.Fatal("wait took an update with no room")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if !<-took {
		t.Error("wait did not take the update once there was room")
	}
	d.close()
	if got := d.offer(msg(6)); got != closing {
		t.Errorf("after close: %v, want closing", got)
	}
	if !d.shutdown(time.Minute) {
		t.Fatal("not all handled")
	}
	if handled.Load() != 4 {
		t.Errorf("handled %d, want 4", handled.Load())
	}
}

// TestDispatcherRoomRule: below the bound, room decides (the bot refuses
// new messages while its send queue is long, and takes taps).
func TestDispatcherRoomRule(t *testing.T) {
	d := newDispatcher(func(context.Context, *models.Update) {})
	d.room = func(u *models.Update, _ int) bool { return u.CallbackQuery != nil }
	if got := d.offer(&models.Update{Message: &models.Message{Chat: models.Chat{ID: 1}}}); got != busy {
		t.Errorf("a message the room rule refuses: %v", got)
	}
	tap := &models.Update{CallbackQuery: &models.CallbackQuery{ID: "q", From: models.User{ID: 1}}}
	if got := d.offer(tap); got != accepted {
		t.Errorf("a tap: %v", got)
	}
	d.shutdown(time.Minute)
}

// TestPollingStopsFetchingWhenFull: with no room, long polling stops
// fetching: Telegram keeps what the bot cannot take yet, and delivers it
// once there is room; nothing is lost. (The messages are pasted ads, too
// long for the lobby, which would take short first messages.)
func TestPollingStopsFetchingWhenFull(t *testing.T) {
	e := startWith(t, miniSource, true, nil, WithBackpressure(1, 0))
	open := holdUpdates(t, e)
	chats := make([]*tgfake.Chat, 400)
	for i := range chats {
		chats[i] = e.fake.NewPrivateChat("en")
		chats[i].SendText(strings.Repeat("kerja di Kamboja gaji 15 juta ", 10))
	}
	// The bot holds one and waits to take the next: the library, which
	// hands updates over unbuffered, holds the rest of its batch and asks
	// Telegram for no more; the rest stays at Telegram, unconfirmed.
	deadline := time.Now().Add(wait)
	for e.bot.chats.held() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the bot took nothing")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// It stops asking Telegram for more: the count of getUpdates calls
	// holds still (one or two batches may be asked for while the first
	// updates come in), where a bot that kept fetching would go on.
	polls := func() int { return e.fake.Stats().Calls["getupdates"] }
	last, since := polls(), time.Now()
	for time.Since(since) < 300*time.Millisecond {
		if time.Now().After(deadline) {
			t.Fatalf("the bot kept asking for updates with no room (%d calls)", last)
		}
		time.Sleep(10 * time.Millisecond)
		if n := polls(); n != last {
			last, since = n, time.Now()
		}
	}
	if last > 3 {
		t.Errorf("the bot asked for updates %d times with room for one", last)
	}
	if confirmed := 400 - e.fake.Stats().UpdatesPending; confirmed > 100 {
		t.Errorf("%d updates confirmed to Telegram with room for one", confirmed)
	}
	open()
	for _, c := range chats {
		if _, ok := c.WaitMessages(1, wait); !ok {
			t.Fatal("an update kept at Telegram was never answered")
		}
	}
}

// TestPollingConfirmsAtShutdown: when long polling stops, the updates it
// took are confirmed to Telegram (a getUpdates with the offset after the
// last), so the next process is not given them again (a tap answered
// twice, which Telegram refuses); those it never took stay for the next.
func TestPollingConfirmsAtShutdown(t *testing.T) {
	e := startWith(t, miniSource, false, nil)
	c := e.fake.NewPrivateChat("en")
	c.SendText("/start")
	second := c.SendText("1")
	c.SendText("2")
	e.bot.taken.Store(int64(second)) // taken and handled up to here
	e.bot.confirm()
	if n := e.fake.Stats().UpdatesPending; n != 1 {
		t.Errorf("%d updates pending after confirming the first two of three, want 1", n)
	}
}

// TestRoomCountsWhatIsInHand: a new message is refused while the sends
// booked, and those the updates in hand will book, reach past the backlog
// bound; a tap, and a first message from a campaign link, still get in.
func TestRoomCountsWhatIsInHand(t *testing.T) {
	e := startWith(t, miniSource, false, nil, WithRateLimits(30, 1, 4))
	msg := func(text string) *models.Update {
		return &models.Update{Message: &models.Message{Text: text, Chat: models.Chat{ID: 5}}}
	}
	tap := &models.Update{CallbackQuery: &models.CallbackQuery{ID: "q"}}
	tests := []struct {
		name   string
		u      *models.Update
		inHand int
		want   bool
	}{
		{"a message, nothing in hand", msg("/start"), 0, true},
		{"a message, 400 in hand (13 s of sends)", msg("/start"), 400, false},
		{"a message from a campaign link, 400 in hand", msg("/start fair-id"), 400, true},
		{"a forged payload, 400 in hand", msg("/start not a payload!"), 400, false},
		{"a tap, 400 in hand", tap, 400, true},
		{"a typed answer from a chat in a check, 400 in hand",
			&models.Update{Message: &models.Message{Text: "2", Chat: models.Chat{ID: 6}}}, 400, true},
	}
	e.bot.limit.book(6) // the bot wrote to chat 6: it is in a check
	for _, tt := range tests {
		if got := e.bot.room(tt.u, tt.inHand); got != tt.want {
			t.Errorf("%s: room %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestDispatcherReusesWorkers: chats one after another are drained by a
// worker already running (its stack already grown), not each by a new one;
// and a waiting worker ends at shutdown rather than when its idle time is
// up.
func TestDispatcherReusesWorkers(t *testing.T) {
	handled := make(chan string, 1)
	d := newDispatcher(func(context.Context, *models.Update) {
		buf := make([]byte, 64)
		buf = buf[:runtime.Stack(buf, false)]
		id, _, _ := strings.Cut(string(buf), " [") // "goroutine 42"
		handled <- id
	})
	workers := map[string]bool{}
	const chats = 20
	for chat := range int64(chats) {
		if got := d.offer(&models.Update{Message: &models.Message{Chat: models.Chat{ID: chat + 1}}}); got != accepted {
			t.Fatalf("update %d: %v", chat+1, got)
		}
		workers[<-handled] = true
		// The next chat goes to the worker once it is back waiting; on a
		// busy machine it may not be yet, and a new worker starts: a few
		// are allowed, one per chat is not.
		for d.held() != 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(workers) > chats/4 {
		t.Errorf("%d chats in turn were drained by %d workers, want reuse", chats, len(workers))
	}
	ended := make(chan bool)
	go func() { ended <- d.shutdown(time.Minute) }()
	select {
	case ok := <-ended:
		if !ok {
			t.Error("shutdown reports updates not handled")
		}
	case <-time.After(workerIdle / 2):
		t.Error("shutdown waited for the idle worker's time to run out")
	}
}

// TestPollingStopLosesNothing: a bot that stops while long polling under
// load (updates fetched, some in hand, no room for more) hands over to the
// next process without losing or repeating any: every chat gets exactly
// one answer, from the one bot or the other.
func TestPollingStopLosesNothing(t *testing.T) {
	content, ps := convo.LoadContent(miniSource)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	core := convo.NewCore(content, session.NewStore(rdb, sessionTTL), session.NewKeyer([]byte("k")), log)
	fake := tgfake.New()
	t.Cleanup(fake.Close)
	poll := func(ctx context.Context, gate chan struct{}) (*Bot, chan struct{}) {
		b, err := New(ctx, core, "123456:TEST", WithAPIURL(fake.URL()), WithLogger(log),
			WithRateLimits(0, 0, 0), WithBackpressure(5, 0))
		if err != nil {
			t.Fatal(err)
		}
		handle := b.chats.handle
		b.chats.handle = func(ctx context.Context, u *models.Update) {
			<-gate
			handle(ctx, u)
		}
		done := make(chan struct{})
		go func() { _ = b.Poll(ctx); close(done) }()
		return b, done
	}
	chats := make([]*tgfake.Chat, 150)
	for i := range chats {
		chats[i] = fake.NewPrivateChat("en")
		chats[i].SendText("/start")
	}
	// The first bot takes what it has room for and stops while they wait.
	gate := make(chan struct{})
	ctx, stop := context.WithCancel(context.Background())
	first, done := poll(ctx, gate)
	deadline := time.Now().Add(wait)
	for first.chats.held() < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("the first bot took %d updates", first.chats.held())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the library fetches what it would
	stop()
	close(gate) // what it holds is handled in its grace period
	<-done
	// The next process gets the rest.
	open := make(chan struct{})
	close(open)
	ctx2, stop2 := context.WithCancel(context.Background())
	_, done2 := poll(ctx2, open)
	t.Cleanup(func() { stop2(); <-done2 })
	for i, c := range chats {
		if _, ok := c.WaitMessages(1, wait); !ok {
			t.Fatalf("chat %d of %d never got an answer", i+1, len(chats))
		}
	}
	time.Sleep(200 * time.Millisecond) // a repeat would come now
	for i, c := range chats {
		if n := len(c.Messages()); n != 1 {
			t.Errorf("chat %d got %d answers to one /start", i+1, n)
		}
	}
}
