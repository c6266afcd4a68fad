package bot

import (
	"context"
	"math"
	"sync"
	"time"
)

// rateLimits are the outgoing-message limits: messages per second overall
// and per chat, and the per-chat burst. A rate <= 0 means unlimited.
type rateLimits struct {
	global, perChat float64
	burst           int
}

// defaultLimits are Telegram's: about 30 messages per second overall and
// one per second per chat, with short bursts (of about 5; one short of
// that here, for the jitter of the network).
var defaultLimits = rateLimits{global: 30, perChat: 1, burst: 4}

// DefaultRateLimits are the limits the bot keeps unless told otherwise
// (WithRateLimits): overall and per-chat messages per second, and the
// per-chat burst.
func DefaultRateLimits() (global, perChat float64, burst int) {
	return defaultLimits.global, defaultLimits.perChat, defaultLimits.burst
}

// WithRateLimits replaces the outgoing-message limits (by default about 30
// messages per second overall and one per second per chat, bursts of 4, as
// Telegram allows). A rate <= 0 means unlimited. It is for load tests and
// self-hosted Bot API servers with other limits.
func WithRateLimits(global, perChat float64, burst int) Option {
	return func(c *config) { c.limits = rateLimits{global: global, perChat: perChat, burst: burst} }
}

// Telegram's 20 messages a minute in a group (chat ids below zero), with
// groupBurst of them at once: at most groupBurst+60*rate = 20 in a minute.
const (
	groupPerMinute = 20
	groupBurst     = 2
)

// windowMargin widens the one-second window the overall limit is kept in:
// a message sent on time can arrive bunched with the next after network
// jitter, and Telegram counts arrivals.
const windowMargin = 25 * time.Millisecond

// maxPacedChats bounds each in-memory map keyed by chat (paces, group
// notices, shown screens); past it, entries that no longer matter are
// forgotten (a chat whose allowance is full again loses nothing).
const maxPacedChats = 10000

// First replies go first. A person who just scanned the QR code has had
// nothing yet, while those in their checks can be told, with each tap,
// how long the next question takes (the busy notice); a first message has
// no such notice. So every newcomerEvery-th overall slot further than
// heldNear ahead is held for the first message of a chat the pacer does
// not know: a newcomer's first reply comes within about heldNear however
// long the queue, and when no newcomer comes, the held slots are taken by
// whoever books once they are near.
const (
	newcomerEvery = 2
	heldNear      = time.Second
)

// pacer keeps outgoing messages within Telegram's limits, first come first
// served, but for newcomers (see newcomerEvery). Each message books the
// earliest send time its chat's allowance and the overall rate allow, in
// the order messages ask: nobody waits for a chat that must hold back for
// its own limit (the overall time slots it does not need stay free). A
// message that asks late may take a held slot once it is near, ahead of
// one that asked earlier and was booked beyond the held ones. Booking also tells how long a new message would
// wait, which the bot says to people when it is long.
type pacer struct {
	now   func() time.Time
	every time.Duration // overall: one send per slot; 0 for unlimited
	chat  bucket        // private chats
	group bucket        // groups

	mu     sync.Mutex
	booked map[int64]struct{} // overall slots taken, by index (time / every)
	swept  int64              // slots below this index are gone from booked
	chats  map[int64]*allowance
	// The window guard (see admit): messages in flight, and when those
	// of the last second returned, oldest first.
	inFlight int
	returned []time.Time
	took     time.Duration // a call's usual time, leaving to returning (moving average)
	global   int
}

// bucket is a token bucket's rate (as the time one token takes) and size.
type bucket struct {
	every time.Duration // 0 for unlimited
	burst int
}

// allowance is one chat's bucket as of its latest booking.
type allowance struct {
	at     time.Time // the latest booked send (may be in the future)
	tokens float64   // left after it
}

func newPacer(r rateLimits, now func() time.Time) *pacer {
	p := &pacer{now: now, booked: map[int64]struct{}{}, chats: map[int64]*allowance{}}
	if r.global > 0 {
		// Rounded up: 31 slots must not fit in one second.
		p.every = time.Duration(math.Ceil(float64(time.Second) / r.global))
		p.global = max(int(r.global), 1)
	}
	if r.perChat > 0 {
		p.chat = bucket{every: time.Duration(float64(time.Second) / r.perChat), burst: max(r.burst, 1)}
		p.group = bucket{every: time.Minute / (groupPerMinute - groupBurst), burst: groupBurst}
	}
	return p
}

// booking is a send time taken for one message.
type booking struct {
	at   time.Time
	slot int64 // the overall slot, -1 for none
}

// book takes the earliest send time for one message to chat.
func (p *pacer) book(chat int64) booking {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.take(chat, true)
}

// expected is how long a message to chat asked for now would wait.
func (p *pacer) expected(chat int64) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.take(chat, false).at.Sub(p.now())
}

// restEvery says which overall slots stay empty (every restEvery-th; 0
// for none) so that the booked times hold: the window guard (admit) lets
// global messages go per second, margin and a call's time included, so
// the slots beyond that rate would only make every later message late
// (and give the order of sending to whichever sender wakes first). Call
// with mu held.
func (p *pacer) restEvery() int64 {
	// A window of the guard's length touches n slots; at most global of
	// them may be used, so every run of n slots needs n-global rests.
	window := time.Second + windowMargin + p.took
	n := int64(math.Ceil(float64(window) / float64(p.every)))
	if over := n - int64(p.global); over > 0 {
		// At least 3: with the held slots (every second one), ordinary
		// messages keep some. Calls slower than that allows are held back
		// by the guard itself.
		return max(n/over, newcomerEvery+1)
	}
	return 0
}

// knows reports whether the pacer has written to chat since it started
// (or since it last forgot chats whose allowance was full again, when the
// map reached maxPacedChats).
func (p *pacer) knows(chat int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.chats[chat]
	return ok
}

// backlog is how long a message to a chat with nothing queued would wait
// now: how far ahead the overall send queue is booked.
func (p *pacer) backlog() time.Duration {
	if p.every == 0 {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.sweep(now)
	slot := (now.UnixNano() + int64(p.every) - 1) / int64(p.every)
	rest := p.restEvery()
	for {
		if _, taken := p.booked[slot]; !taken && (rest == 0 || slot%rest != 1) {
			break
		}
		slot++
	}
	return time.Unix(0, slot*int64(p.every)).Sub(now)
}

// take finds (and with keep, books) chat's next send time. Call with mu held.
func (p *pacer) take(chat int64, keep bool) booking {
	now := p.now()
	b := p.chat
	if chat < 0 {
		b = p.group
	}
	a := p.chats[chat]
	newcomer := a == nil && chat > 0
	if a == nil {
		a = &allowance{at: now, tokens: float64(b.burst)}
	}
	at := a.at
	if now.After(at) {
		at = now
	}
	if b.every > 0 {
		// Tokens refill from the latest booking on; the first whole token
		// after it is the chat's earliest time.
		if need := 1 - a.refill(at, b); need > 0 {
			at = at.Add(time.Duration(need * float64(b.every)))
		}
	}
	slot := int64(-1)
	if p.every > 0 {
		p.sweep(now)
		slot = (at.UnixNano() + int64(p.every) - 1) / int64(p.every)
		near := now.Add(heldNear).UnixNano()
		rest := p.restEvery()
		for {
			_, taken := p.booked[slot]
			held := !newcomer && slot%newcomerEvery == 0 && slot*int64(p.every) > near
			if !taken && !held && (rest == 0 || slot%rest != 1) {
				break
			}
			slot++
		}
		at = time.Unix(0, slot*int64(p.every))
	}
	if !keep {
		return booking{at: at, slot: slot}
	}
	if slot >= 0 {
		p.booked[slot] = struct{}{}
	}
	if b.every > 0 {
		a.tokens, a.at = a.refill(at, b)-1, at
		if _, ok := p.chats[chat]; !ok {
			if len(p.chats) >= maxPacedChats {
				p.forget(now)
			}
			p.chats[chat] = a
		}
	}
	return booking{at: at, slot: slot}
}

// refill is the chat's tokens at t (not before its latest booking).
func (a *allowance) refill(t time.Time, b bucket) float64 {
	if b.every == 0 {
		return float64(b.burst)
	}
	return min(float64(b.burst), a.tokens+float64(t.Sub(a.at))/float64(b.every))
}

// sweep drops slots that are past. Call with mu held.
func (p *pacer) sweep(now time.Time) {
	nowSlot := now.UnixNano() / int64(p.every)
	if nowSlot-p.swept < int64(time.Second/p.every) {
		return // once a second: the map holds at most the queue booked ahead
	}
	for s := range p.booked {
		if s < nowSlot {
			delete(p.booked, s)
		}
	}
	p.swept = nowSlot
}

// forget drops the chats whose allowance is full again. Call with mu held.
func (p *pacer) forget(now time.Time) {
	for id, a := range p.chats {
		b := p.chat
		if id < 0 {
			b = p.group
		}
		if !a.at.After(now) && a.refill(now, b) >= float64(b.burst) {
			delete(p.chats, id)
		}
	}
}

// release gives back a booking that will not be used (its sender gave up).
func (p *pacer) release(bk booking) {
	if bk.slot < 0 {
		return
	}
	p.mu.Lock()
	delete(p.booked, bk.slot)
	p.mu.Unlock()
}

// wait books a send time for one message to chat and waits for it; then
// it waits for the window (see admit). Call the returned func when the
// message's Bot API call has returned.
func (p *pacer) wait(ctx context.Context, chat int64) (sent func(), err error) {
	bk := p.book(chat)
	if d := bk.at.Sub(p.now()); d > 0 && !sleep(ctx, d) {
		p.release(bk)
		return nil, ctx.Err()
	}
	if p.global == 0 {
		return func() {}, nil
	}
	for {
		d := p.admit()
		if d <= 0 {
			start := p.now()
			return func() { p.sent(p.now().Sub(start)) }, nil
		}
		if !sleep(ctx, d) {
			return nil, ctx.Err()
		}
	}
}

// admit is the last guard of the overall limit, whatever the network does
// to the booked times: a message goes out only while fewer than global
// others are in flight or returned less than a second (and a margin) ago.
// Telegram counts a message when it arrives, which is after it left and
// before its answer came back; so no second of arrivals can hold more
// than global messages, even when the network delays some and not others.
// It returns 0 and counts the message in flight, or how long to wait.
func (p *pacer) admit() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for len(p.returned) > 0 && !p.returned[0].Add(time.Second+windowMargin).After(now) {
		p.returned = p.returned[1:]
	}
	if p.inFlight+len(p.returned) < p.global {
		p.inFlight++
		return 0
	}
	if len(p.returned) > 0 {
		return p.returned[0].Add(time.Second + windowMargin).Sub(now)
	}
	return 5 * time.Millisecond // all in flight: one returns soon
}

// sent notes that a message's call returned after took (admit counted it
// in flight).
func (p *pacer) sent(took time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.took = (9*p.took + took) / 10
	p.inFlight--
	p.returned = append(p.returned, p.now())
}
