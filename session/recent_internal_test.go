package session

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"testing"
	"time"
)

func TestRecentIsBounded(t *testing.T) {
	r := newRecent(64, time.Hour)
	now := time.Unix(1_700_000_000, 0)
	for i := range 10_000 {
		r.put(fmt.Sprintf("%x", sha256.Sum256([]byte(strconv.Itoa(i))))[:32], recentEntry{version: "1", at: now})
	}
	if n := r.len(); n > 64 || n < 32 {
		t.Errorf("after 10,000 chats the cache holds %d records, want at most 64 (and not far fewer)", n)
	}
}

func TestRecentAges(t *testing.T) {
	r := newRecent(64, 10*time.Minute)
	now := time.Unix(1_700_000_000, 0)
	r.put("a1", recentEntry{version: "1", at: now})
	r.put("b2", recentEntry{version: "1", at: now})
	if _, ok := r.get("a1", now.Add(9*time.Minute)); !ok {
		t.Error("a record 9 minutes old was dropped (kept for 10)")
	}
	if _, ok := r.get("a1", now.Add(11*time.Minute)); ok {
		t.Error("a record 11 minutes old came back (kept for 10)")
	}
	// A quiet spell: the next record saved sweeps the old ones away.
	r.put("c3", recentEntry{version: "1", at: now.Add(time.Hour)})
	if n := r.len(); n != 1 {
		t.Errorf("an hour later, after one new record, %d are kept, want 1", n)
	}
}

func TestKeepRecentNeverOutlivesTheSession(t *testing.T) {
	s := NewStore(nil, time.Minute).KeepRecent(10, time.Hour)
	if s.recent.maxAge != time.Minute {
		t.Errorf("sessions kept 1 minute, records in memory %v", s.recent.maxAge)
	}
	if NewStore(nil, time.Hour).KeepRecent(0, time.Hour).recent != nil {
		t.Error("KeepRecent(0) keeps records")
	}
}
