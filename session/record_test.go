package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
)

// TestWindowForgetsAfterTheRetryWindow: within a day of the last save, an
// update older than a full window is a repeat; after a day of quiet the
// old ids say nothing (Telegram may pick new ids at random after a week
// without updates), so a new update with a lower id is applied and starts
// a fresh window.
func TestWindowForgetsAfterTheRetryWindow(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var w window
	for id := int64(1001); id <= 1010; id++ {
		w = w.next(id, t0)
	}
	if len(w.ids) != recentUpdates || w.ids[0] != 1003 {
		t.Fatalf("window after 1001..1010: %v", w.ids)
	}
	for _, tc := range []struct {
		id    int64
		after time.Duration
		want  bool
	}{
		{1005, time.Minute, true},     // in the window
		{1005, 30 * time.Hour, true},  // in the window, however late
		{1002, time.Hour, true},       // older than a full window, within the retry window
		{1002, 23 * time.Hour, true},  // the same, just in time
		{1002, 25 * time.Hour, false}, // after a day of quiet: not a repeat
		{1011, time.Minute, false},    // newer
		{0, time.Minute, false},       // no update id (the terminal)
	} {
		if got := w.seen(tc.id, t0.Add(tc.after)); got != tc.want {
			t.Errorf("seen(%d) %v after the last save = %v, want %v", tc.id, tc.after, got, tc.want)
		}
	}
	later := w.next(17, t0.Add(8*24*time.Hour)) // a random low id after a week
	if len(later.ids) != 1 || later.ids[0] != 17 || later.saved != t0.Add(8*24*time.Hour).Unix() {
		t.Errorf("window after a quiet week: %+v, want only the new id", later)
	}
	if again := later.next(17, t0.Add(8*24*time.Hour+time.Second)); len(again.ids) != 1 {
		t.Errorf("an id applied twice is kept once: %v", again.ids)
	}
}

// TestKeysAreTheHMACs: a chat's key is the first 16 bytes of the HMAC of
// its id (in a bot's space, "bot:<space>:<id>"; a web visitor, "web:<id>"),
// however often the keyer is used: sessions stored before stay found.
func TestKeysAreTheHMACs(t *testing.T) {
	secret := []byte("a secret")
	want := func(text string) string {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(text))
		return hex.EncodeToString(m.Sum(nil)[:16])
	}
	k := NewKeyer(secret)
	for range 3 {
		if got := k.Chat(-100123).hash; got != want("-100123") {
			t.Errorf("Chat: %s, want %s", got, want("-100123"))
		}
		if got := k.ChatIn("b2", 42).hash; got != want("bot:b2:42") {
			t.Errorf("ChatIn: %s, want %s", got, want("bot:b2:42"))
		}
		if got := k.Visitor("v1").hash; got != want("web:v1") {
			t.Errorf("Visitor: %s, want %s", got, want("web:v1"))
		}
	}
	if NewKeyer([]byte("another")).Chat(42) == k.Chat(42) {
		t.Error("two secrets give the same key")
	}
}
