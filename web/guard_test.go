package web

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestClientAddr(t *testing.T) {
	for _, tc := range []struct {
		name, remote, xff string
		trust             bool
		want              string
	}{
		{"direct", "203.0.113.7:5555", "", false, "203.0.113.7"},
		{"forwarded header ignored without trust", "10.0.0.1:80", "198.51.100.1", false, "10.0.0.1"},
		{"the proxy's entry is the last", "10.0.0.1:80", "1.2.3.4, 198.51.100.1", true, "198.51.100.1"},
		{"trusted but no header", "[2001:db8::1]:443", "", true, "2001:db8::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Server{opt: Options{TrustProxy: tc.trust}}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := s.clientAddr(r); got != tc.want {
				t.Errorf("clientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLimiter: each address has its own bucket, which refills with time;
// buckets idle for ten minutes are dropped, so memory follows the clients
// of the last minutes only.
func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(1, 2, func() time.Time { return now })
	for i, want := range []bool{true, true, false} {
		if got := l.allow("a"); got != want {
			t.Fatalf("request %d of a: %v, want %v", i+1, got, want)
		}
	}
	if !l.allow("b") {
		t.Fatal("b is limited by a's requests")
	}
	now = now.Add(time.Second)
	if !l.allow("a") {
		t.Fatal("a's bucket did not refill after a second")
	}
	now = now.Add(11 * time.Minute)
	l.allow("c")
	if _, ok := l.clients["a"]; ok || len(l.clients) != 1 {
		t.Errorf("after 11 idle minutes %d buckets are kept, want c's only", len(l.clients))
	}
}

func TestValidVisitor(t *testing.T) {
	for _, v := range []string{"", "short", newVisitor() + "x", "!!!!!!!!!!!!!!!!!!!!!!", "../../../../etc/passwd.."} {
		if validVisitor(v) {
			t.Errorf("%q taken as a visitor id", v)
		}
	}
	if id := newVisitor(); !validVisitor(id) {
		t.Errorf("a new id %q is refused", id)
	}
}
