package bot

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/selfcheck-id/selfcheck/campaign"
)

// Defaults of the bounds on updates in hand (see WithBackpressure).
const (
	// defaultMaxInHand bounds the updates queued or being handled. Each
	// is a few KiB and a goroutine at most: a thousand is a few MiB, and
	// more than an event hall keeps busy (300 people have one or two each).
	defaultMaxInHand = 1000
	// defaultMaxBacklog is how far ahead the send queue may be booked
	// before new messages are refused: a first reply later than this is
	// worse than Telegram delivering the message again a little later,
	// and taps of checks under way keep their room.
	defaultMaxBacklog = 10 * time.Second
)

// WithBackpressure bounds the updates the bot holds: at most maxInHand
// queued or being handled, and no new message taken while the send queue
// is booked more than maxBacklog ahead (taps of checks under way are still
// taken, up to maxInHand). Beyond that the webhook answers 503 and long
// polling stops fetching, so Telegram keeps the updates and delivers them
// again later. Zero for either leaves its default; a negative maxInHand
// removes the bound (load tests of the engine alone).
func WithBackpressure(maxInHand int, maxBacklog time.Duration) Option {
	return func(c *config) {
		if maxInHand != 0 {
			c.maxInHand = maxInHand
		}
		if maxBacklog > 0 {
			c.maxBacklog = maxBacklog
		}
	}
}

// room says whether an update below the in-hand bound may be taken now.
// A tap, or a message from a chat the bot has written to lately (a typed
// answer in a check under way), is: the bound alone limits them. A first
// message that comes from a campaign link (`/start PAYLOAD`, what the QR
// code at an event sends) is too, so that a flood of bare messages does
// not shut out the hall. Other messages are refused while the sends
// already booked, and those the updates in hand will book (about one each;
// they book when handled), reach past maxBacklog.
func (b *Bot) room(u *models.Update, inHand int) bool {
	return b.priority(u) || b.queued(inHand) < b.maxBacklog
}

// priority tells the updates that have room up to the in-hand bound
// whatever the send queue: taps, messages of chats the bot writes to (a
// typed answer in a check under way), and campaign links.
func (b *Bot) priority(u *models.Update) bool {
	if u.CallbackQuery != nil {
		return true
	}
	m := u.Message
	return m != nil && (b.limit.knows(m.Chat.ID) ||
		strings.HasPrefix(m.Text, "/start ") && campaign.ValidPayload(strings.TrimSpace(m.Text[len("/start "):])))
}

// queued is how long a new person's first message would wait with inHand
// updates held: the sends booked ahead, and about one send for each update
// in hand (they book when handled).
func (b *Bot) queued(inHand int) time.Duration {
	return b.limit.backlog() + time.Duration(inHand)*b.limit.every
}

// shedInterval is how often refused or dropped updates are logged: as
// counts, because under a flood one line each would be a flood of logs.
const shedInterval = 10 * time.Second

// shedLog counts updates refused or dropped, by reason, and logs the counts
// at most every shedInterval (and at shutdown).
type shedLog struct {
	log *slog.Logger
	rec Recorder

	mu     sync.Mutex
	counts map[string]int
	since  time.Time
}

// Reasons an update was shed.
const (
	shedBusy      = "busy"       // refused: no room (webhook 503)
	shedClosing   = "closing"    // refused: shutting down (webhook 503)
	shedChatQueue = "chat_queue" // dropped: one chat sent too many at once
	shedAbandoned = "abandoned"  // dropped: still queued when the grace period ended
	shedLobby     = "lobby"      // taken into the lobby: a first message waiting for room
	shedLeft      = "left"       // left in the lobby when the grace period ended
)

func (s *shedLog) add(reason string) { s.addN(reason, 1) }

func (s *shedLog) addN(reason string, n int) {
	for range n {
		s.rec.Shed(reason)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts, s.since = map[string]int{}, time.Now()
	}
	s.counts[reason] += n
	if time.Since(s.since) >= shedInterval {
		s.flushLocked()
	}
}

// flush logs the counts not logged yet.
func (s *shedLog) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
}

func (s *shedLog) flushLocked() {
	if len(s.counts) > 0 {
		args := []any{"over", time.Since(s.since).Round(time.Second).String()}
		for _, r := range []string{shedBusy, shedClosing, shedChatQueue, shedAbandoned, shedLobby, shedLeft} {
			if n := s.counts[r]; n > 0 {
				args = append(args, r, n)
			}
		}
		s.log.Warn("updates refused (Telegram delivers them again), dropped, or waiting in the lobby", args...)
	}
	s.counts, s.since = map[string]int{}, time.Now()
}

// Load is how long a new person's first reply would wait now: the send
// queue booked ahead, and the updates in hand not yet booked (each about
// one message at the overall rate). A campaign link's redirect sends a
// new person to the bot with the least (see package fleet).
func (b *Bot) Load() time.Duration { return b.queued(b.chats.held()) }
