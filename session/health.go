package session

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// healthWindow is how far back, in seconds, readiness looks at how the
// store's reads and writes went.
const healthWindow = 10

// minFailures is how many failed operations within healthWindow make the
// store unready, when they are at least half of all operations: one
// timeout is no reason to take a replica out of a load balancer, a storm
// of them is.
const minFailures = 3

// readyKey is written by Ready to learn whether Redis takes writes (a
// Redis at maxmemory answers PING and refuses every write). It holds "1"
// and expires by itself.
const readyKey = "sc:ready"

// health counts the store's operations per second over the last
// healthWindow seconds, failed and not.
type health struct {
	mu   sync.Mutex
	sec  [healthWindow]int64 // the unix second each slot counts
	ok   [healthWindow]int
	fail [healthWindow]int
	last error // the latest failure
}

// note counts one operation at now; err is its failure, nil for success.
func (h *health) note(now time.Time, err error) {
	sec := now.Unix()
	i := sec % healthWindow
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sec[i] != sec {
		h.sec[i], h.ok[i], h.fail[i] = sec, 0, 0
	}
	if err != nil {
		h.fail[i]++
		h.last = err
	} else {
		h.ok[i]++
	}
}

// failing reports an error when at least minFailures operations failed
// within healthWindow of now, and no fewer than succeeded.
func (h *health) failing(now time.Time) error {
	sec := now.Unix()
	h.mu.Lock()
	defer h.mu.Unlock()
	fails, all := 0, 0
	for i := range healthWindow {
		if d := sec - h.sec[i]; d >= 0 && d < healthWindow {
			fails += h.fail[i]
			all += h.ok[i] + h.fail[i]
		}
	}
	if fails >= minFailures && 2*fails >= all {
		return fmt.Errorf("%d of the last %d session reads and writes failed within %ds; the latest: %w", fails, all, healthWindow, h.last)
	}
	return nil
}

// Ready reports whether sessions can be saved now: most of the recent
// reads and writes did not fail (a storm of pool timeouts, say), and a
// test write succeeds (a Redis at maxmemory, or a replica, answers PING
// but refuses writes).
func (s *Store) Ready(ctx context.Context) error {
	if err := s.health.failing(s.now()); err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, readyKey, "1", healthWindow*time.Second).Err(); err != nil {
		return fmt.Errorf("a test write failed: %w", err)
	}
	return nil
}
