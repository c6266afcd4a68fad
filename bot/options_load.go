package bot

import "golang.org/x/time/rate"

// rateLimits are the outgoing-message limits: messages per second overall
// and per chat, and the per-chat burst. A rate <= 0 means unlimited.
type rateLimits struct {
	global, perChat float64
	burst           int
}

// defaultLimits are Telegram's: about 30 messages per second overall and
// one per second per chat, with short bursts.
var defaultLimits = rateLimits{global: 30, perChat: 1, burst: 5}

// WithRateLimits replaces the outgoing-message limits (by default about 30
// messages per second overall and one per second per chat, bursts of 5, as
// Telegram allows). A rate <= 0 means unlimited. It is for load tests and
// self-hosted Bot API servers with other limits.
func WithRateLimits(global, perChat float64, burst int) Option {
	return func(c *config) { c.limits = rateLimits{global: global, perChat: perChat, burst: burst} }
}

// SetRateLimits replaces the limits after New, before serving.
//
// Deprecated: use WithRateLimits.
func (b *Bot) SetRateLimits(global, perChat float64, burst int) {
	b.limit = rateLimits{global: global, perChat: perChat, burst: burst}.limiter()
}

// limiter builds the limiter. It is built here rather than with newLimiter,
// which derives the global burst from the rate and would overflow on
// rate.Inf.
func (r rateLimits) limiter() *limiter {
	g, c := rate.Limit(r.global), rate.Limit(r.perChat)
	if r.global <= 0 {
		g = rate.Inf
	}
	if r.perChat <= 0 {
		c = rate.Inf
	}
	burst := max(r.burst, 1)
	return &limiter{global: rate.NewLimiter(g, max(burst, int(min(r.global, 1e6)))), perChat: c, burst: burst, chats: map[int64]*chatLimit{}}
}
