package bot

import (
	"context"
	"sync/atomic"
	"testing"

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
	d.add(context.Background(), msg(1))
	<-started                 // the first is being handled, out of the queue
	for range maxQueue + 30 { // maxQueue wait, 30 are too many
		d.add(context.Background(), msg(1))
	}
	d.add(context.Background(), msg(2))
	for handled.Load() < 1 { // chat 2 goes through while chat 1 is stuck
	}
	close(release)
	d.wait()
	if got := dropped.Load(); got != 30 {
		t.Errorf("dropped %d updates, want 30", got)
	}
	if got := handled.Load(); got != maxQueue+1+1 {
		t.Errorf("handled %d updates, want %d", got, maxQueue+2)
	}
}
