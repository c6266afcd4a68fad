package bot

import (
	"context"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// maxQueue bounds one chat's waiting updates. A person tapping fast queues
// a few (replies go out at about one a second); a script flooding one chat
// must not grow memory without end, so updates beyond it are dropped.
const maxQueue = 100

// earlyAfter is how many queued updates make a new one wait long enough to
// be acknowledged before it is handled: each may send two messages at one
// a second per chat.
const earlyAfter = 2

// dispatcher runs each chat's updates one at a time, in arrival order, and
// different chats in parallel. A chat has one worker while it has work; a
// worker then waits a moment for another chat (see worker).
// It holds at most limit updates in all (queued or being handled): beyond
// that, or when room says no, an update is refused, so that memory and
// goroutines stay bounded under any flood and Telegram delivers it again
// later (see offer and wait).
type dispatcher struct {
	handle    func(context.Context, *models.Update)
	dropped   func(*models.Update)    // an update dropped from a full chat queue
	abandoned func(chat int64, n int) // n updates of chat dropped at shutdown
	// waiting is called for an update that has to wait behind several
	// earlier ones of its chat (earlyAfter or more queued, besides the
	// one in hand); it must not block. A button press is answered there
	// at once, so that its spinner does not run while the chat's earlier
	// replies go out at Telegram's pace. A press behind just one or two
	// (a double tap) waits to be answered with its stale-button toast.
	waiting func(context.Context, *models.Update)
	// limit bounds the updates in hand (0: no bound); room, when set, can
	// refuse an update below it (the bot refuses new messages while the
	// send queue is long, and keeps room for taps of checks under way).
	limit int
	room  func(u *models.Update, inHand int) bool
	// lobby, when set, takes first messages of new chats that find no
	// room, and lets them in as room comes (see lobby.go). left is told
	// how many were still waiting at shutdown.
	lobby   *lobby
	entered func() // an update went to the lobby
	left    func(n int)
	// newcomer tells an update that has room only as the send queue
	// allows (room's rule); lobbyRoom says when the lobby may be let in.
	newcomer  func(u *models.Update) bool
	lobbyRoom func(inHand int) bool
	feeding   bool // a goroutine lets the lobby in (see feed)
	mu        sync.Mutex
	queues    map[int64][]*models.Update
	inHand    int
	closed    bool           // shutting down: every update is refused
	freed     chan struct{}  // closed and replaced when an update is done
	idle      chan int64     // a chat to drain, to a worker waiting for one
	quit      chan struct{}  // closed by close: waiting workers end
	wg        sync.WaitGroup // the workers
	// work is the context updates are handled in. It outlives the request
	// that brought an update (a webhook call returns at once) and ends
	// only when shutdown's grace period is over, which stops waits for
	// rate limits and retries.
	work     context.Context
	stopWork context.CancelFunc
}

func newDispatcher(handle func(context.Context, *models.Update)) *dispatcher {
	work, stop := context.WithCancel(context.Background())
	return &dispatcher{handle: handle, dropped: func(*models.Update) {}, abandoned: func(int64, int) {}, entered: func() {}, left: func(int) {},
		waiting: func(context.Context, *models.Update) {}, queues: map[int64][]*models.Update{},
		freed: make(chan struct{}), idle: make(chan int64), quit: make(chan struct{}), work: work, stopWork: stop}
}

// admission is what became of an offered update.
type admission int

const (
	accepted admission = iota
	busy               // no room now: to be delivered again later
	closing            // shutting down: to be delivered to the next process
)

// add queues an update whatever the load, even after close: the bot
// itself always offers or waits; tests put work in hand with it.
func (d *dispatcher) add(u *models.Update) { d.put(u, true) }

// offer queues an update if there is room, without waiting.
func (d *dispatcher) offer(u *models.Update) admission { return d.put(u, false) }

// wait queues an update as soon as there is room; false when ctx ended or
// the dispatcher closed first. Long polling waits here, which stops it
// fetching more until the bot has room.
func (d *dispatcher) wait(ctx context.Context, u *models.Update) bool {
	for {
		d.mu.Lock()
		freed := d.freed
		d.mu.Unlock()
		switch d.offer(u) {
		case accepted:
			return true
		case closing:
			return false
		}
		// Room comes back when an update is done, or as the send queue
		// drains (room): look again then, or after a moment.
		t := time.NewTimer(100 * time.Millisecond)
		select {
		case <-freed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false
		}
		t.Stop()
	}
}

func (d *dispatcher) put(u *models.Update, force bool) admission {
	chat := chatOf(u)
	d.mu.Lock()
	if d.closed && !force {
		d.mu.Unlock()
		return closing
	}
	if !force && d.lobby != nil {
		switch {
		case d.lobby.chats[chat] > 0 && d.lobby.fits(u):
			return d.toLobby(u, false)
		case d.lobby.chats[chat] > 0 && d.lobby.follows():
			// Not before the chat's /start, and not refused either: long
			// polling would wait for it, fetching nothing, until that
			// /start is in.
			return d.toLobby(u, true)
		case d.lobby.chats[chat] > 0:
			d.mu.Unlock()
			return busy
		case d.lobby.len() > 0 && d.newcomer(u) && d.lobby.fits(u):
			return d.toLobby(u, false) // behind those waiting
		}
	}
	if !force && !d.hasRoom(u) {
		if d.lobby != nil && d.newcomer(u) && d.lobby.fits(u) {
			return d.toLobby(u, false)
		}
		d.mu.Unlock()
		return busy
	}
	return d.enqueue(u)
}

// hasRoom reports whether u may be taken now. Call with mu held.
func (d *dispatcher) hasRoom(u *models.Update) bool {
	return !(d.limit > 0 && d.inHand >= d.limit || d.room != nil && !d.room(u, d.inHand))
}

// toLobby puts u in the lobby (whole when it follows its chat's /start)
// and makes sure it is let in as room comes. Call with mu held; it unlocks.
func (d *dispatcher) toLobby(u *models.Update, followUp bool) admission {
	if followUp {
		d.lobby.pushFollowUp(chatOf(u), u)
	} else {
		d.lobby.push(u)
	}
	if !d.feeding {
		d.feeding = true
		d.wg.Add(1) // under the lock, as for workers: shutdown waits for it
		go d.feed()
	}
	d.mu.Unlock()
	d.entered()
	return accepted
}

// feed lets the lobby in, first come first served, while there is room:
// when an update is done, or every 100ms as the send queue drains. It
// ends when the lobby is empty, or when the shutdown's grace period is
// over: what is still waiting then is left (see lobby.go).
func (d *dispatcher) feed() {
	defer d.wg.Done()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		d.mu.Lock()
		for d.work.Err() == nil && d.lobby.len() > 0 {
			if d.limit > 0 && d.inHand >= d.limit || !d.lobbyRoom(d.inHand) {
				break
			}
			u := d.lobby.peek()
			d.lobby.pop()
			d.enqueue(u) // unlocks
			d.mu.Lock()
		}
		if d.lobby.len() == 0 || d.work.Err() != nil {
			n := d.lobby.clear()
			d.feeding = false
			d.mu.Unlock()
			if n > 0 {
				d.left(n)
			}
			return
		}
		freed := d.freed
		d.mu.Unlock()
		t.Reset(100 * time.Millisecond)
		select {
		case <-freed:
		case <-t.C:
		case <-d.work.Done():
		}
	}
}

// enqueue queues u for its chat and starts a worker for the chat if it
// has none. Call with mu held; it unlocks.
func (d *dispatcher) enqueue(u *models.Update) admission {
	chat := chatOf(u)
	q, running := d.queues[chat]
	if len(q) >= maxQueue {
		d.mu.Unlock()
		d.dropped(u)
		return accepted // taken, and dropped: Telegram must not send it again
	}
	if len(q) >= earlyAfter {
		d.waiting(d.work, u)
	}
	d.queues[chat] = append(q, u)
	d.inHand++
	if running {
		d.mu.Unlock()
		return accepted
	}
	// Counted under the lock, so that shutdown, which closes under it
	// first, never waits on a count still growing.
	d.wg.Add(1)
	d.mu.Unlock()
	select {
	case d.idle <- chat: // a worker waiting for work takes the chat
		d.wg.Done() // that worker is counted already
	default:
		go d.worker(chat)
	}
	return accepted
}

// workerIdle is how long a worker with no chat to drain waits for one
// before it ends. Reusing workers spares each update a new goroutine
// whose stack grows, in copies, to what handling an update needs.
const workerIdle = 2 * time.Second

// worker drains chat, then waits for another chat to drain.
func (d *dispatcher) worker(chat int64) {
	defer d.wg.Done()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		d.drain(d.work, chat)
		idle.Reset(workerIdle)
		select {
		case chat = <-d.idle:
		case <-idle.C:
			return
		case <-d.quit:
			return
		case <-d.work.Done():
			return
		}
	}
}

// held is the number of updates in hand, and in the lobby.
func (d *dispatcher) held() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lobby != nil {
		return d.inHand + d.lobby.len()
	}
	return d.inHand
}

// close refuses every update from now on: the first step of a shutdown.
func (d *dispatcher) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		d.closed = true
		close(d.quit) // idle workers end; busy ones end when drained
	}
}

// done counts n updates out of hand and wakes those waiting for room.
// Call with mu held.
func (d *dispatcher) done(n int) {
	d.inHand -= n
	close(d.freed)
	d.freed = make(chan struct{})
}

func (d *dispatcher) drain(ctx context.Context, chat int64) {
	for {
		d.mu.Lock()
		q := d.queues[chat]
		if len(q) == 0 {
			delete(d.queues, chat)
			d.mu.Unlock()
			return
		}
		if ctx.Err() != nil {
			// Shut down: what is still queued is dropped.
			delete(d.queues, chat)
			d.done(len(q))
			d.mu.Unlock()
			d.abandoned(chat, len(q))
			return
		}
		u := q[0]
		d.queues[chat] = q[1:]
		d.mu.Unlock()
		d.handle(ctx, u)
		d.mu.Lock()
		d.done(1)
		d.mu.Unlock()
	}
}

// shutdown refuses new updates (close) and waits for the queued ones to be
// handled, at most grace; then it cancels the work in progress (a handler
// waiting for a rate limit or a retry returns at once), drops what is
// still queued and waits for the handlers to return. It reports whether
// everything was handled in time.
func (d *dispatcher) shutdown(grace time.Duration) bool {
	d.close()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
	}
	d.stopWork()
	<-done
	return false
}

// chatOf returns the chat an update belongs to (0 for kinds we ignore,
// which then share one queue).
func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		return u.CallbackQuery.Message.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.InaccessibleMessage != nil:
		return u.CallbackQuery.Message.InaccessibleMessage.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}
