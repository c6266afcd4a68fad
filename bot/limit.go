package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimits are the outgoing-message limits: messages per second overall
// and per chat, and the per-chat burst. A rate <= 0 means unlimited.
type rateLimits struct {
	global, perChat float64
	burst           int
}

// defaultLimits are Telegram's: about 30 messages per second overall and
// one per second per chat, with short bursts (of about 5). The burst is one
// short of that: messages spaced here can arrive bunched after network
// jitter, and the margin keeps them under the limit there too.
var defaultLimits = rateLimits{global: 30, perChat: 1, burst: 4}

// WithRateLimits replaces the outgoing-message limits (by default about 30
// messages per second overall and one per second per chat, bursts of 4, as
// Telegram allows). A rate <= 0 means unlimited. It is for load tests and
// self-hosted Bot API servers with other limits.
func WithRateLimits(global, perChat float64, burst int) Option {
	return func(c *config) { c.limits = rateLimits{global: global, perChat: perChat, burst: burst} }
}

// limiter keeps outgoing messages within Telegram's limits. Waiting here is
// cheaper than a 429, which blocks the bot for seconds.
type limiter struct {
	global  *rate.Limiter
	perChat rate.Limit
	burst   int
	// perGroup is Telegram's 20 messages a minute in a group (chat ids
	// below zero), with groupBurst of them at once: at most
	// groupBurst+60*perGroup = 20 in any minute.
	perGroup rate.Limit

	mu    sync.Mutex
	chats map[int64]*chatLimit
}

type chatLimit struct {
	l    *rate.Limiter
	used time.Time
}

func newLimiter(r rateLimits) *limiter {
	l := &limiter{global: rate.NewLimiter(rate.Inf, 1), perChat: rate.Inf, perGroup: rate.Inf, burst: max(r.burst, 1), chats: map[int64]*chatLimit{}}
	if r.global > 0 {
		// Telegram counts messages in one-second windows. A bucket of rate
		// g and burst b lets b+g through in a second, so it refills at 90%
		// of the limit and bursts the other 10%: never more than the limit
		// in any second.
		b := max(1, int(r.global/10))
		l.global = rate.NewLimiter(rate.Limit(r.global-float64(b)), b)
	}
	if r.perChat > 0 {
		l.perChat = rate.Limit(r.perChat)
		l.perGroup = rate.Limit(float64(groupPerMinute-groupBurst) / 60)
	}
	return l
}

const (
	groupPerMinute = 20
	groupBurst     = 2
)

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
		if chat < 0 {
			c.l = rate.NewLimiter(l.perGroup, groupBurst)
		}
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
