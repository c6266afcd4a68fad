package session

import (
	"context"
	"errors"
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

// DedupeWindow is how long update ids are remembered: Telegram re-sends an
// update whose webhook call failed, for about a day at most.
const DedupeWindow = 24 * time.Hour

// Record is a loaded session with what is needed to save it back.
type Record struct {
	Session Session
	// Found is false for a new chat, an expired session or an unreadable one.
	Found bool
	// Seen is true when the update was already applied (a re-delivery).
	Seen    bool
	version string
}

// Store reads and writes sessions in Redis. Each update costs one round
// trip to read (session and seen-update check pipelined) and one atomic
// script to write.
type Store struct {
	rdb redis.UniversalClient
	ttl time.Duration
	now func() time.Time
}

// NewStore returns a store whose sessions expire ttl after the last activity.
func NewStore(rdb redis.UniversalClient, ttl time.Duration) *Store {
	return &Store{rdb: rdb, ttl: ttl, now: time.Now}
}

// Load reads the chat's session and whether updateID (0 for none) was
// already applied.
func (s *Store) Load(ctx context.Context, c Chat, updateID int64) (Record, error) {
	var seen *redis.FloatCmd
	var fields *redis.SliceCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if updateID != 0 {
			seen = p.ZScore(ctx, c.seenKey(), strconv.FormatInt(updateID, 10))
		}
		fields = p.HMGet(ctx, c.sessionKey(), "v", "d")
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return Record{}, errors.Join(ErrUnavailable, err)
	}
	rec := Record{version: "0"}
	if seen != nil && seen.Err() == nil {
		rec.Seen = true
	}
	vals := fields.Val()
	if len(vals) == 2 {
		v, _ := vals[0].(string)
		d, _ := vals[1].(string)
		if v != "" {
			rec.version = v
			rec.Session, rec.Found = decode([]byte(d))
		}
	}
	return rec, nil
}

// saveScript writes the session only if its version is still the one that
// was read, renews the expiry, and remembers the update id, atomically.
// KEYS: session hash, seen-updates sorted set.
// ARGV: expected version, record, ttl ms, update id ("" for none), now (unix
// seconds), dedupe window (seconds).
var saveScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
local nv = tonumber(ARGV[1]) + 1
redis.call('HSET', KEYS[1], 'v', nv, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
  -- Drop ids older than the window on one update in eight: a few more ids
  -- kept a little longer cost nothing, a command on every update does.
  if tonumber(ARGV[4]) % 8 == 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[5]) - tonumber(ARGV[6]))
  end
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
return nv
`)

// Save writes sess back if nobody changed it since rec was loaded, and marks
// updateID (0 for none) as applied. It returns ErrConflict otherwise.
func (s *Store) Save(ctx context.Context, c Chat, rec Record, sess Session, updateID int64) error {
	data, err := encode(sess)
	if err != nil {
		return err
	}
	uid := ""
	if updateID != 0 {
		uid = strconv.FormatInt(updateID, 10)
	}
	n, err := saveScript.Run(ctx, s.rdb, []string{c.sessionKey(), c.seenKey()},
		rec.version, data, s.ttl.Milliseconds(), uid, s.now().Unix(), int64(DedupeWindow/time.Second)).Int64()
	if err != nil {
		return errors.Join(ErrUnavailable, err)
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

// Forget deletes everything stored about the chat.
func (s *Store) Forget(ctx context.Context, c Chat) error {
	if err := s.rdb.Del(ctx, c.sessionKey(), c.seenKey()).Err(); err != nil {
		return errors.Join(ErrUnavailable, err)
	}
	return nil
}

// Ping reports whether Redis answers, for readiness checks.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

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
