package bot

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
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
	d.dropped = func() { dropped.Add(1) }
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
	d.abandoned = func() { dropped.Add(1) }
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
