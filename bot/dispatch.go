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
// different chats in parallel. A chat's goroutine lives while it has work.
type dispatcher struct {
	handle    func(context.Context, *models.Update)
	dropped   func() // called for each update dropped from a full queue
	abandoned func() // called for each update dropped at shutdown
	// waiting is called for an update that has to wait behind several
	// earlier ones of its chat (earlyAfter or more queued, besides the
	// one in hand); it must not block. A button press is answered there
	// at once, so that its spinner does not run while the chat's earlier
	// replies go out at Telegram's pace. A press behind just one or two
	// (a double tap) waits to be answered with its stale-button toast.
	waiting func(context.Context, *models.Update)
	mu      sync.Mutex
	queues  map[int64][]*models.Update
	wg      sync.WaitGroup
	// work is the context updates are handled in. It outlives the request
	// that brought an update (a webhook call returns at once) and ends
	// only when shutdown's grace period is over, which stops waits for
	// rate limits and retries.
	work     context.Context
	stopWork context.CancelFunc
}

func newDispatcher(handle func(context.Context, *models.Update)) *dispatcher {
	work, stop := context.WithCancel(context.Background())
	return &dispatcher{handle: handle, dropped: func() {}, abandoned: func() {}, waiting: func(context.Context, *models.Update) {},
		queues: map[int64][]*models.Update{}, work: work, stopWork: stop}
}

// add queues an update behind the earlier ones of its chat.
func (d *dispatcher) add(u *models.Update) {
	chat := chatOf(u)
	d.mu.Lock()
	q, busy := d.queues[chat]
	if len(q) >= maxQueue {
		d.mu.Unlock()
		d.dropped()
		return
	}
	if len(q) >= earlyAfter {
		d.waiting(d.work, u)
	}
	d.queues[chat] = append(q, u)
	d.mu.Unlock()
	if busy {
		return
	}
	d.wg.Add(1)
	go d.drain(d.work, chat)
}

func (d *dispatcher) drain(ctx context.Context, chat int64) {
	defer d.wg.Done()
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
			d.mu.Unlock()
			for range q {
				d.abandoned()
			}
			return
		}
		u := q[0]
		d.queues[chat] = q[1:]
		d.mu.Unlock()
		d.handle(ctx, u)
	}
}

// shutdown waits for the queued updates to be handled, at most grace; then
// it cancels the work in progress (a handler waiting for a rate limit or a
// retry returns at once), drops what is still queued and waits for the
// handlers to return. It reports whether everything was handled in time.
func (d *dispatcher) shutdown(grace time.Duration) bool {
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
