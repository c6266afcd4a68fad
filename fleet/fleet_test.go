package fleet

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

type bot struct {
	name string
	load time.Duration
}

func (b *bot) Username() string    { return b.name }
func (b *bot) Load() time.Duration { return b.load }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestPickLeastBusy: the least busy bot gets new people; bots within a
// second of it take turns, so a hall arriving at once is spread.
func TestPickLeastBusy(t *testing.T) {
	a, b, c := &bot{"a_bot", 0}, &bot{"b_bot", 500 * time.Millisecond}, &bot{"c_bot", 8 * time.Second}
	f := New(nil, quiet, a, b, c)
	got := map[string]int{}
	for range 100 {
		got[f.Pick(context.Background())]++
	}
	if got["c_bot"] != 0 || got["a_bot"] != 50 || got["b_bot"] != 50 {
		t.Errorf("picks %v: want a and b in turn, never the busy c", got)
	}
	a.load = 5 * time.Second
	if p := f.Pick(context.Background()); p != "b_bot" {
		t.Errorf("with a now busy: %q, want b_bot", p)
	}
	if p := New(nil, quiet).Pick(context.Background()); p != "" {
		t.Errorf("no bots: %q", p)
	}
}

// TestPickAcrossReplicas: loads published by other replicas count while
// fresh; a replica that stopped publishing gets nobody.
func TestPickAcrossReplicas(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	here := &bot{"here_bot", 9 * time.Second}
	there := New(rdb, quiet, &bot{"there_bot", 0})
	if err := there.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	f := New(rdb, quiet, here)
	if p := f.Pick(ctx); p != "there_bot" {
		t.Errorf("with the other replica idle: %q, want there_bot", p)
	}
	stale := strconv.FormatInt(time.Now().Add(-time.Minute).UnixMilli(), 10)
	m.HSet(Key, "there_bot", "0:"+stale, "junk_bot", "x")
	if p := f.Pick(ctx); p != "here_bot" {
		t.Errorf("with the other replica silent for a minute: %q, want here_bot", p)
	}
	if ttl := m.TTL(Key); ttl <= 0 {
		t.Errorf("the fleet key has no expiry (%v): it would outlive the bots", ttl)
	}
}

// TestRedirect: /go/PAYLOAD sends to the chosen bot's deep link, uncached;
// anything that is not a payload is refused; no bot: 503.
func TestRedirect(t *testing.T) {
	h := New(nil, quiet, &bot{"only_bot", 0}).Handler()
	tests := []struct {
		path     string
		code     int
		location string
	}{
		{"/go/schoolA-id", http.StatusFound, "https://t.me/only_bot?start=schoolA-id"},
		{"/go/", http.StatusFound, "https://t.me/only_bot"},
		{"/go/a%20b", http.StatusNotFound, ""},
		{"/go/" + string(make([]byte, 65)), http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://x"+escape(tt.path), nil))
		if rec.Code != tt.code || rec.Header().Get("Location") != tt.location {
			t.Errorf("%q: %d %q, want %d %q", tt.path, rec.Code, rec.Header().Get("Location"), tt.code, tt.location)
		}
		if tt.code == http.StatusFound && rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%q: cacheable redirect", tt.path)
		}
	}
	rec := httptest.NewRecorder()
	New(nil, quiet).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/go/x", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("no bots: %d", rec.Code)
	}
}

// escape turns NUL bytes into a path httptest accepts.
func escape(p string) string {
	out := []byte{}
	for _, c := range []byte(p) {
		if c == 0 {
			out = append(out, 'a')
			continue
		}
		out = append(out, c)
	}
	return string(out)
}
