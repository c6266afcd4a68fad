package tgfake

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// Telegram's send limits (Bot FAQ): about one message per second per chat
// with short bursts tolerated, 20 per minute per group, 30 per second
// overall. The fake measures them so a load run can show whether the bot
// throttles itself; it answers 429 only with WithEnforcedRateLimits.
const (
	chatBurst      = 5
	chatPerSecond  = 1.0
	groupPerMinute = 20
	globalPerSec   = 30
)

type rateState struct {
	chats  map[int64]*tokenBucket
	groups map[int64][]time.Time
	global []time.Time
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

// noteSend accounts one message to cs. Over a limit it counts the excess
// and, when enforcing, returns the 429 the real API would. A send over the
// limit does not use up allowance. Call with s.mu held.
func (s *Server) noteSend(cs *chatState) *apiError {
	now := time.Now()
	r := &s.rate
	if r.chats == nil {
		r.chats, r.groups = map[int64]*tokenBucket{}, map[int64][]time.Time{}
	}
	b := r.chats[cs.id]
	if b == nil {
		b = &tokenBucket{tokens: chatBurst, last: now}
		r.chats[cs.id] = b
	}
	b.tokens = math.Min(chatBurst, b.tokens+now.Sub(b.last).Seconds()*chatPerSecond)
	b.last = now
	r.global = slices.DeleteFunc(r.global, func(t time.Time) bool { return now.Sub(t) >= time.Second })
	group := cs.typ != "private"
	if group {
		r.groups[cs.id] = slices.DeleteFunc(r.groups[cs.id], func(t time.Time) bool { return now.Sub(t) >= time.Minute })
	}

	retry := 0
	switch {
	case b.tokens < 1:
		s.stats.ChatRateExceeded++
		retry = int(math.Ceil((1 - b.tokens) / chatPerSecond))
	case group && len(r.groups[cs.id]) >= groupPerMinute:
		s.stats.GroupRateExceeded++
		retry = int(math.Ceil(time.Minute.Seconds() - now.Sub(r.groups[cs.id][0]).Seconds()))
	case len(r.global) >= globalPerSec:
		s.stats.GlobalRateExceeded++
		retry = 1
	}
	if retry > 0 {
		if s.enforceRate {
			return &apiError{code: 429, description: "Too Many Requests: retry after " + strconv.Itoa(retry), retryAfter: retry}
		}
		return nil
	}
	b.tokens--
	r.global = append(r.global, now)
	if group {
		r.groups[cs.id] = append(r.groups[cs.id], now)
	}
	return nil
}
