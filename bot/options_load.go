package bot

import "golang.org/x/time/rate"

// SetRateLimits replaces the outgoing-message limiter (by default about 30
// messages per second overall and one per second per chat, bursts of 5, as
// Telegram allows). A rate <= 0 means unlimited. It is for load tests and
// self-hosted Bot API servers with other limits; call it after New and
// before serving.
//
// It is a method rather than an Option because Options configure the
// unexported config struct, which has no limiter field yet.
func (b *Bot) SetRateLimits(global, perChat float64, burst int) {
	g, c := rate.Limit(global), rate.Limit(perChat)
	if global <= 0 {
		g = rate.Inf
	}
	if perChat <= 0 {
		c = rate.Inf
	}
	// Built by hand rather than with newLimiter, which derives the global
	// burst from the rate and would overflow on rate.Inf.
	b.limit = &limiter{global: rate.NewLimiter(g, max(burst, int(min(global, 1e6)))), perChat: c, burst: burst, chats: map[int64]*chatLimit{}}
}
