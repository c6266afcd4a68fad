package session

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrConflict means another writer changed the session since it was loaded:
// load again and redo the step.
var ErrConflict = errors.New("session: changed by another writer")

// ErrUnavailable wraps every storage failure (Redis down, slow, refusing):
// the user is asked to try again; nothing was changed.
var ErrUnavailable = errors.New("session: storage unavailable")

// ErrOutcomeUnknown marks a failed save that Redis may have applied all
// the same: the command was sent and the answer never came (a timeout, a
// connection reset). Comes with ErrUnavailable.
var ErrOutcomeUnknown = errors.New("session: the write may have landed")

// DefaultTTL is how long a session is kept after its last activity unless
// SESSION_TTL says otherwise: long enough to come back to a check after a
// weekend, short enough that little is kept about anyone.
const DefaultTTL = 72 * time.Hour

// Record is a loaded session with what is needed to save it back.
type Record struct {
	Session Session
	// Found is false for a new chat, an expired session or an unreadable one.
	Found bool
	// Seen is true when the update was already applied (a re-delivery).
	Seen bool
	// Unsent is true when a reply to an applied update may never have
	// reached the user (see MarkUnsent): the next request shows the
	// current screen again rather than building on what they never saw.
	Unsent  bool
	version string
	window  window // the record's applied update ids
}

// Store reads and writes sessions in Redis. Each update costs two
// commands: one to read the session (which also tells a re-delivered
// update) and one atomic script to write it; with KeepRecent, the read is
// skipped when this process saved the chat's record last.
type Store struct {
	rdb    redis.UniversalClient
	ttl    time.Duration
	now    func() time.Time
	health *health // how recent operations went, for Ready
	recent *recent // records this process saved last (nil: none kept)
	// retries is whether the client sends a command again after a
	// failure: then a save that fails to connect may have landed at its
	// first attempt, and no failure says the outcome is known.
	retries bool
}

// NewStore returns a store whose sessions expire ttl after the last activity.
func NewStore(rdb redis.UniversalClient, ttl time.Duration) *Store {
	return &Store{rdb: rdb, ttl: ttl, now: time.Now, health: &health{}, retries: retriesOn(rdb)}
}

// retriesOn reports whether rdb retries failed commands (go-redis turns a
// MaxRetries of -1, none, into 0, and 0, its default, into 3); true when
// it cannot tell.
func retriesOn(rdb redis.UniversalClient) bool {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().MaxRetries > 0
	case *redis.ClusterClient:
		return c.Options().MaxRetries > 0
	}
	return true
}

// KeepRecent makes the store remember the last n records it saved, each
// for at most maxAge, so that a chat's next Load needs no Redis command
// (see recent.go). A record loaded from memory may be out of date; the
// Save that follows fails with ErrConflict if it is, and the caller loads
// again. Call it before the store is used.
func (s *Store) KeepRecent(n int, maxAge time.Duration) *Store {
	s.recent = nil
	if n > 0 && maxAge > 0 {
		s.recent = newRecent(n, min(maxAge, s.ttl))
	}
	return s
}

// Load reads the chat's session and whether updateID (0 for none) was
// already applied. With KeepRecent, the record this process saved last
// may come from memory: see Save.
func (s *Store) Load(ctx context.Context, c Chat, updateID int64) (Record, error) {
	if s.recent != nil {
		if e, ok := s.recent.get(c.hash, s.now()); ok {
			rec := Record{version: e.version, Found: true, Session: cloneSession(e.sess), window: e.win}
			rec.Seen = rec.window.seen(updateID, s.now())
			return rec, nil
		}
	}
	vals, err := s.rdb.HMGet(ctx, c.sessionKey(), "v", "d", "u").Result()
	s.health.note(s.now(), err)
	if err != nil {
		return Record{}, errors.Join(ErrUnavailable, err)
	}
	rec := Record{version: "0"}
	if len(vals) == 3 {
		v, _ := vals[0].(string)
		d, _ := vals[1].(string)
		u, _ := vals[2].(string)
		if v != "" {
			rec.Unsent = u != ""
			var legacy bool
			rec.version = v
			rec.Session, rec.window, legacy, rec.Found = decode([]byte(d))
			rec.Seen = rec.window.seen(updateID, s.now())
			if legacy && updateID != 0 {
				// Schema 1 kept seen ids in a key of their own: one more
				// command, only until the record is saved in schema 2.
				err := s.rdb.ZScore(ctx, c.legacySeenKey(), strconv.FormatInt(updateID, 10)).Err()
				if err != nil && !errors.Is(err, redis.Nil) {
					s.health.note(s.now(), err)
					return Record{}, errors.Join(ErrUnavailable, err)
				}
				rec.Seen = err == nil
			}
		}
	}
	return rec, nil
}

// saveScript writes the session only if its version is still the one that
// was read, and renews the expiry, atomically. A new record (none, or one
// deleted or expired) starts at a random version, not at 1: a copy of a
// deleted record that a process still holds (see KeepRecent) must not
// match the record begun after it.
// KEYS: session hash. ARGV: expected version, record, ttl ms, first version.
var saveScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
local nv = tonumber(ARGV[4])
if v then nv = tonumber(v) + 1 end
redis.call('HSET', KEYS[1], 'v', nv, 'd', ARGV[2])
redis.call('HDEL', KEYS[1], 'u')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return nv
`)

// unsentScript flags an existing session only: a session deleted since
// (by /forget) must not come back as a key without its expiry. It moves
// the version on, so that a process holding the record in memory (see
// KeepRecent) fails its next save and reads the flag.
var unsentScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'v', 1)
return redis.call('HSET', KEYS[1], 'u', '1')
`)

// MarkUnsent notes that the replies to the chat's last applied update could
// not be delivered (shutdown, Telegram unreachable), so that the chat's next
// request gets the current screen again. The next Save clears it.
func (s *Store) MarkUnsent(ctx context.Context, c Chat) error {
	s.forgetRecent(c)
	err := unsentScript.Run(ctx, s.rdb, []string{c.sessionKey()}).Err()
	s.health.note(s.now(), err)
	if err != nil {
		return errors.Join(ErrUnavailable, err)
	}
	return nil
}

// Save writes sess back if nobody changed it since rec was loaded, and marks
// updateID (0 for none) as applied. It returns ErrConflict otherwise: the
// caller loads again (from Redis: a failed save forgets the record kept in
// memory) and redoes its step.
func (s *Store) Save(ctx context.Context, c Chat, rec Record, sess Session, updateID int64) error {
	win := rec.window.next(updateID, s.now())
	data, err := encode(sess, win)
	if err != nil {
		return err
	}
	n, err := saveScript.Run(ctx, s.rdb, []string{c.sessionKey()}, rec.version, data, s.ttl.Milliseconds(), firstVersion()).Int64()
	s.health.note(s.now(), err)
	if err != nil || n == 0 {
		// On an error the write may or may not have landed.
		s.forgetRecent(c)
		if err != nil && !s.retries && neverSent(err) {
			return errors.Join(ErrUnavailable, err)
		}
		if err != nil {
			return errors.Join(ErrUnavailable, ErrOutcomeUnknown, err)
		}
		return ErrConflict
	}
	if s.recent != nil {
		s.recent.put(c.hash, recentEntry{version: strconv.FormatInt(n, 10), sess: cloneSession(sess), win: win, at: s.now()})
	}
	return nil
}

// firstVersion is a new record's version: random, below 2^31 so that Lua
// numbers print it whole (one in two billion that a copy of a deleted
// record matches the new one's).
func firstVersion() int64 { return rand.Int64N(1<<31-1) + 1 }

// neverSent tells the failures that mean Redis did not run the command:
// no connection could be had, or Redis answered with an error. Anything
// else may have happened after Redis took the command.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var reply redis.Error
	if errors.As(err, &reply) {
		return true
	}
	return errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrClosed)
}

func (s *Store) forgetRecent(c Chat) {
	if s.recent != nil {
		s.recent.drop(c.hash)
	}
}

// TTL is how long a session is kept after its last activity.
func (s *Store) TTL() time.Duration { return s.ttl }

// Forget deletes everything stored about the chat.
func (s *Store) Forget(ctx context.Context, c Chat) error {
	// The second key is where schema 1 kept seen update ids; it expires
	// within a day of the upgrade, but /forget must not wait for that.
	s.forgetRecent(c)
	err := s.rdb.Del(ctx, c.sessionKey(), c.legacySeenKey()).Err()
	s.health.note(s.now(), err)
	if err != nil {
		return errors.Join(ErrUnavailable, err)
	}
	return nil
}

// Preload loads the save script into Redis (SCRIPT LOAD, on every master of
// a cluster), so that the first saves run EVALSHA without a NOSCRIPT miss
// and a fallback to EVAL. A Redis that restarts forgets it; Save then falls
// back to EVAL once by itself.
func (s *Store) Preload(ctx context.Context) error {
	if err := saveScript.Load(ctx, s.rdb).Err(); err != nil {
		return errors.Join(ErrUnavailable, err)
	}
	return nil
}
