package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/flows"
)

// The embedded store follows the Redis store's rules; store_test.go checks
// those on Redis, this file on the memory store.
func TestMemoryStore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	st := NewMemoryStore(time.Hour)
	st.now = func() time.Time { return now }
	c := NewKeyer([]byte("k")).Chat(42)

	rec, err := st.Load(ctx, c, 1001)
	if err != nil || rec.Found || rec.Seen {
		t.Fatalf("new chat: %+v %v", rec, err)
	}
	want := Session{Lang: "en", Nonce: "n1", State: flows.State{Flow: "f", Step: "dest", Answers: []flows.Answer{{Step: "welcome", Choice: "self"}}}}
	if err := st.Save(ctx, c, rec, want, 1001); err != nil {
		t.Fatal(err)
	}
	// A second writer from the same version loses.
	if err := st.Save(ctx, c, rec, Session{Nonce: "other"}, 1002); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale write: %v, want ErrConflict", err)
	}
	got, _ := st.Load(ctx, c, 1001)
	if !got.Found || !got.Seen || got.Session.Nonce != "n1" || got.Session.State.Step != "dest" {
		t.Fatalf("after save: %+v", got)
	}
	if r, _ := st.Load(ctx, c, 1002); r.Seen {
		t.Error("the losing write marked its update as seen")
	}
	if err := st.Save(ctx, c, got, Session{Nonce: "n2"}, 1002); err != nil {
		t.Fatalf("write from the current version: %v", err)
	}

	// After the TTL the session is gone, the update ids are still known.
	now = now.Add(2 * time.Hour)
	got, _ = st.Load(ctx, c, 1002)
	if got.Found || !got.Seen {
		t.Errorf("after the TTL: found %v (want false), seen %v (want true)", got.Found, got.Seen)
	}
	// A new session may start from version 0 again.
	if err := st.Save(ctx, c, got, Session{Nonce: "n3"}, 1003); err != nil {
		t.Fatalf("new session after expiry: %v", err)
	}
	// After the dedupe window, old update ids are forgotten.
	now = now.Add(DedupeWindow + time.Hour)
	if r, _ := st.Load(ctx, c, 1003); r.Seen || r.Found {
		t.Errorf("after a day: %+v", r)
	}
	// The sweep drops chats with nothing left.
	other := NewKeyer([]byte("k")).Chat(7)
	r0, _ := st.Load(ctx, other, 0)
	if err := st.Save(ctx, other, r0, Session{}, 0); err != nil {
		t.Fatal(err)
	}
	if n := st.mem.len(); n != 1 {
		t.Errorf("%d chats held after the sweep, want 1", n)
	}
	if err := st.Forget(ctx, other); err != nil {
		t.Fatal(err)
	}
	if r, _ := st.Load(ctx, other, 0); r.Found {
		t.Error("forgotten session still found")
	}
	if err := st.Ping(ctx); err != nil || !st.Embedded() {
		t.Errorf("Ping %v, Embedded %v", err, st.Embedded())
	}
}
