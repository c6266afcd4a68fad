package session

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/selfcheck-id/selfcheck/flows"
)

// Recent records: a process that has just saved a chat's record knows it,
// version and all, so the chat's next update need not read it back. The
// save that follows is the check: it is a compare-and-set on the version,
// so a record changed anywhere else since (another replica, /forget in
// another process, expiry, a flag set by MarkUnsent) fails it; the entry
// is dropped and the step is redone on what Redis holds. The cache saves
// one Redis round trip per update and never decides anything on its own.
//
// What it keeps is what Redis keeps (the record under the chat's keyed
// hash), for minutes, in this process's memory only.

// DefaultRecent and DefaultRecentAge size the cache of `selfcheck run`:
// a hall of 300 people is a few hundred entries of about 0.5 KB; a check
// takes a few minutes, and someone back after a longer pause costs one
// read.
const (
	DefaultRecent    = 10_000
	DefaultRecentAge = 10 * time.Minute
)

// recentShards spreads the cache's lock; chats go to a shard by the
// first hex digit of their hash.
const recentShards = 16

type recent struct {
	maxAge time.Duration
	swept  atomic.Int64 // unix nanoseconds of the last sweep of all shards
	shards [recentShards]recentShard
}

type recentShard struct {
	mu      sync.Mutex
	entries map[string]recentEntry
	limit   int
}

// recentEntry is a record as saved: decoded, so that a load from memory
// costs a copy rather than a parse. Its session is a copy of its own,
// never handed out (see cloneSession).
type recentEntry struct {
	version string
	sess    Session
	win     window // ids are only read: window.next clones them
	at      time.Time
}

// cloneSession copies what a session shares (its answers, suggestions
// and paused check), so that the copy in memory and the one a step works
// on never change each other.
func cloneSession(s Session) Session {
	s.State = cloneState(s.State)
	if s.Paused != nil {
		p := cloneState(*s.Paused)
		s.Paused = &p
	}
	return s
}

func cloneState(st flows.State) flows.State {
	st.Answers = slices.Clone(st.Answers)
	st.Suggested = maps.Clone(st.Suggested)
	return st
}

func newRecent(n int, maxAge time.Duration) *recent {
	r := &recent{maxAge: maxAge}
	per := max(1, (n+recentShards-1)/recentShards)
	for i := range r.shards {
		r.shards[i].entries = make(map[string]recentEntry)
		r.shards[i].limit = per
	}
	return r
}

func (r *recent) shard(hash string) *recentShard {
	d := hash[0]
	switch {
	case d >= '0' && d <= '9':
		d -= '0'
	case d >= 'a' && d <= 'f':
		d -= 'a' - 10
	default:
		d = 0
	}
	return &r.shards[d%recentShards]
}

// get returns the chat's record as this process last saved it, unless it
// is older than maxAge.
func (r *recent) get(hash string, now time.Time) (recentEntry, bool) {
	sh := r.shard(hash)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e, ok := sh.entries[hash]
	if ok && now.Sub(e.at) > r.maxAge {
		delete(sh.entries, hash)
		return recentEntry{}, false
	}
	return e, ok
}

// put keeps a record just saved. A full shard first drops what has aged,
// then any one entry: the cost of a wrong choice is one read.
func (r *recent) put(hash string, e recentEntry) {
	if last := r.swept.Load(); e.at.UnixNano()-last > int64(r.maxAge/4) && r.swept.CompareAndSwap(last, e.at.UnixNano()) {
		for i := range r.shards {
			sh := &r.shards[i]
			sh.mu.Lock()
			sh.sweep(e.at, r.maxAge)
			sh.mu.Unlock()
		}
	}
	sh := r.shard(hash)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.entries[hash]; !ok && len(sh.entries) >= sh.limit {
		sh.sweep(e.at, r.maxAge)
		for k := range sh.entries {
			if len(sh.entries) < sh.limit {
				break
			}
			delete(sh.entries, k)
		}
	}
	sh.entries[hash] = e
}

// sweep drops the entries older than maxAge. It runs as entries are added
// (all shards every maxAge/4), so a process that goes quiet keeps its
// last records, never more than the limit, until its next update.
func (sh *recentShard) sweep(now time.Time, maxAge time.Duration) {
	for k, e := range sh.entries {
		if now.Sub(e.at) > maxAge {
			delete(sh.entries, k)
		}
	}
}

// drop forgets the chat's record: it was deleted, flagged, or its save
// failed or had an unknown outcome.
func (r *recent) drop(hash string) {
	sh := r.shard(hash)
	sh.mu.Lock()
	delete(sh.entries, hash)
	sh.mu.Unlock()
}

// len is the number of records kept, for tests.
func (r *recent) len() int {
	n := 0
	for i := range r.shards {
		r.shards[i].mu.Lock()
		n += len(r.shards[i].entries)
		r.shards[i].mu.Unlock()
	}
	return n
}
