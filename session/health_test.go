package session

import (
	"errors"
	"testing"
	"time"
)

// TestHealthWindow: failures make the store unready while they are at
// least half of the operations of the last healthWindow seconds; they are
// forgotten after that.
func TestHealthWindow(t *testing.T) {
	var h health
	t0 := time.Unix(1_700_000_000, 0)
	boom := errors.New("redis: connection pool timeout")
	for range minFailures - 1 {
		h.note(t0, boom)
	}
	if err := h.failing(t0); err != nil {
		t.Errorf("%d failures: %v", minFailures-1, err)
	}
	h.note(t0.Add(time.Second), boom)
	if err := h.failing(t0.Add(time.Second)); !errors.Is(err, boom) {
		t.Errorf("%d failures: %v", minFailures, err)
	}
	for range minFailures - 1 {
		h.note(t0.Add(2*time.Second), nil)
	}
	if err := h.failing(t0.Add(2 * time.Second)); err == nil {
		t.Error("ready with more failures than successes")
	}
	h.note(t0.Add(2*time.Second), nil)
	h.note(t0.Add(2*time.Second), nil)
	if err := h.failing(t0.Add(2 * time.Second)); err != nil {
		t.Errorf("unready with more successes than failures: %v", err)
	}
	if err := h.failing(t0.Add(healthWindow * time.Second)); err != nil {
		t.Errorf("failures older than the window still count: %v", err)
	}
	var fresh health
	for range 5 {
		fresh.note(t0, boom)
	}
	if err := fresh.failing(t0.Add(healthWindow * time.Second)); err != nil {
		t.Errorf("a storm %ds ago still counts: %v", healthWindow, err)
	}
}
