package session

import (
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// memory is the embedded store used when no Redis is configured: the same
// rules as the Redis store (compare-and-set on a version, expiry after the
// TTL, update ids remembered for DedupeWindow), in a Go map. It replaces an
// in-process miniredis, which ran the save script in a Lua interpreter on
// every update and kept each session in several maps (see
// docs/performance.md).
type memory struct {
	mu        sync.Mutex
	chats     map[[16]byte]*memChat // by the chat's hash, in binary
	lastSweep time.Time
}

type memChat struct {
	version     uint64
	data        []byte // the encoded session; nil when there is none
	expires     time.Time
	seen        []memSeen // update ids applied within DedupeWindow
	seenExpires time.Time
}

type memSeen struct {
	id int64
	at int64 // unix seconds
}

// key is the chat's hash in binary: half the size of its hex form.
func (c Chat) key() (k [16]byte) {
	_, _ = hex.Decode(k[:], []byte(c.hash))
	return k
}

// sweepEvery bounds how often a save scans the map for expired chats.
const sweepEvery = time.Minute

// NewMemoryStore returns a store that keeps sessions in this process only:
// they are lost when it exits. Sessions expire ttl after the last activity.
func NewMemoryStore(ttl time.Duration) *Store {
	return &Store{mem: &memory{chats: map[[16]byte]*memChat{}}, ttl: ttl, now: time.Now}
}

func (m *memory) load(c Chat, updateID int64, now time.Time) Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec := Record{version: "0"}
	e := m.chats[c.key()]
	if e == nil {
		return rec
	}
	if updateID != 0 && now.Before(e.seenExpires) {
		for _, s := range e.seen {
			if s.id == updateID {
				rec.Seen = true
				break
			}
		}
	}
	if e.data != nil && now.Before(e.expires) {
		rec.version = strconv.FormatUint(e.version, 10)
		rec.Session, rec.Found = decode(e.data)
	}
	return rec
}

func (m *memory) save(c Chat, version string, data []byte, ttl time.Duration, updateID int64, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.lastSweep) > sweepEvery {
		m.sweep(now)
	}
	e := m.chats[c.key()]
	cur := uint64(0)
	if e != nil && e.data != nil && now.Before(e.expires) {
		cur = e.version
	}
	if strconv.FormatUint(cur, 10) != version {
		return ErrConflict
	}
	if e == nil {
		e = &memChat{}
		m.chats[c.key()] = e
	}
	e.version, e.data, e.expires = cur+1, data, now.Add(ttl)
	if updateID != 0 {
		if !now.Before(e.seenExpires) {
			e.seen = e.seen[:0]
		}
		oldest := now.Add(-DedupeWindow).Unix()
		kept := e.seen[:0]
		for _, s := range e.seen {
			if s.at > oldest {
				kept = append(kept, s)
			}
		}
		e.seen = append(kept, memSeen{id: updateID, at: now.Unix()})
		e.seenExpires = now.Add(DedupeWindow)
	}
	return nil
}

func (m *memory) forget(c Chat) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.chats, c.key())
}

// sweep drops chats whose session and seen ids have both expired.
func (m *memory) sweep(now time.Time) {
	m.lastSweep = now
	for h, e := range m.chats {
		if !now.Before(e.expires) && !now.Before(e.seenExpires) {
			delete(m.chats, h)
		}
	}
}

// len is the number of chats held, expired ones not yet swept included.
func (m *memory) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.chats)
}
