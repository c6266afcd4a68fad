package bot

import (
	"context"
	"sync"

	"github.com/go-telegram/bot/models"
)

// maxQueue bounds one chat's waiting updates. A person tapping fast queues
// a few (replies go out at about one a second); a script flooding one chat
// must not grow memory without end, so updates beyond it are dropped.
const maxQueue = 100

// dispatcher runs each chat's updates one at a time, in arrival order, and
// different chats in parallel. A chat's goroutine lives while it has work.
type dispatcher struct {
	handle  func(context.Context, *models.Update)
	dropped func() // called for each update dropped from a full queue
	mu      sync.Mutex
	queues  map[int64][]*models.Update
	wg      sync.WaitGroup
}

func newDispatcher(handle func(context.Context, *models.Update)) *dispatcher {
	return &dispatcher{handle: handle, dropped: func() {}, queues: map[int64][]*models.Update{}}
}

// add queues an update behind the earlier ones of its chat.
func (d *dispatcher) add(ctx context.Context, u *models.Update) {
	chat := chatOf(u)
	d.mu.Lock()
	q, busy := d.queues[chat]
	if len(q) >= maxQueue {
		d.mu.Unlock()
		d.dropped()
		return
	}
	d.queues[chat] = append(q, u)
	d.mu.Unlock()
	if busy {
		return
	}
	d.wg.Add(1)
	// The work outlives the request that brought it (a webhook call returns
	// at once), so it must not end with that request's context.
	go d.drain(context.WithoutCancel(ctx), chat)
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
		u := q[0]
		d.queues[chat] = q[1:]
		d.mu.Unlock()
		d.handle(ctx, u)
	}
}

// wait blocks until every queued update has been handled.
func (d *dispatcher) wait() { d.wg.Wait() }

// chatOf returns the chat an update belongs to (0 for kinds we ignore,
// which then share one queue).
func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		return u.CallbackQuery.Message.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}
