package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter keeps outgoing messages within Telegram's limits: about 30 per
// second overall and about one per second per chat with short bursts.
// Waiting here is cheaper than a 429, which blocks the bot for seconds.
type limiter struct {
	global  *rate.Limiter
	perChat rate.Limit
	burst   int

	mu    sync.Mutex
	chats map[int64]*chatLimit
}

type chatLimit struct {
	l    *rate.Limiter
	used time.Time
}

func newLimiter(global, perChat rate.Limit, burst int) *limiter {
	return &limiter{global: rate.NewLimiter(global, int(global)), perChat: perChat, burst: burst, chats: map[int64]*chatLimit{}}
}

// wait blocks until chat may receive one more message.
func (l *limiter) wait(ctx context.Context, chat int64) error {
	if err := l.forChat(chat).Wait(ctx); err != nil {
		return err
	}
	return l.global.Wait(ctx)
}

func (l *limiter) forChat(chat int64) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	c := l.chats[chat]
	if c == nil {
		c = &chatLimit{l: rate.NewLimiter(l.perChat, l.burst)}
		l.chats[chat] = c
		if len(l.chats) > 10000 {
			l.sweep(now)
		}
	}
	c.used = now
	return c.l
}

// sweep drops chats idle long enough for their bucket to be full again.
func (l *limiter) sweep(now time.Time) {
	for id, c := range l.chats {
		if now.Sub(c.used) > time.Minute {
			delete(l.chats, id)
		}
	}
}
