package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

var errNoSecret = errors.New("web: Options.Secret is required (it keys the form tokens)")

// cookieName holds the visitor's random id.
const cookieName = "sc_visitor"

// newVisitor returns a new random visitor id: 128 bits, base64url.
func newVisitor() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validVisitor reports whether v has the form newVisitor gives: anything
// else in the cookie is ignored, never used as a key.
func validVisitor(v string) bool {
	if len(v) != 22 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil
}

// visitor returns the id in the request's cookie, or "".
func visitor(r *http.Request) string {
	c, err := r.Cookie(cookieName)
	if err != nil || !validVisitor(c.Value) {
		return ""
	}
	return c.Value
}

// setVisitor sets the cookie. Outside kiosk mode it lasts as long as the
// session store keeps answers; a kiosk's ends with the browser.
func (s *Server) setVisitor(w http.ResponseWriter, r *http.Request, id string) {
	c := &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r)}
	if !s.opt.Kiosk {
		c.MaxAge = int(s.opt.CookieAge / time.Second)
	}
	http.SetCookie(w, c)
}

func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || s.opt.SecureCookie || r.Header.Get("X-Forwarded-Proto") == "https"
}

// token is the form token of a visitor: a keyed hash of the id, so a page
// from another site, which cannot read the cookie, cannot make one.
func (s *Server) token(id string) string {
	m := hmac.New(sha256.New, s.opt.Secret)
	m.Write([]byte("form:" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// checkPost reports whether a post is the visitor's own: its cookie, its
// token, and no browser saying it came from another site.
func (s *Server) checkPost(r *http.Request, id string) bool {
	if id == "" {
		return false
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" && !sameHost(o, r.Host) {
		return false
	}
	return hmac.Equal([]byte(r.PostFormValue("t")), []byte(s.token(id)))
}

func sameHost(origin, host string) bool {
	_, rest, ok := strings.Cut(origin, "://")
	return ok && strings.EqualFold(rest, host)
}

// clientAddr is the address requests are limited by.
func (s *Server) clientAddr(r *http.Request) string {
	if s.opt.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter keeps one token bucket per client address. Buckets idle for
// ten minutes are dropped, and at most maxClients are kept: past that the
// oldest go first, so a flood of addresses cannot grow memory without end.
type limiter struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	now     func() time.Time
	clients map[string]*client
	swept   time.Time
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

const maxClients = 100_000

func newLimiter(r float64, burst int, now func() time.Time) *limiter {
	return &limiter{rate: rate.Limit(r), burst: burst, now: now, clients: map[string]*client{}}
}

func (l *limiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > time.Minute || len(l.clients) >= maxClients {
		l.sweep(now)
	}
	c := l.clients[addr]
	if c == nil {
		c = &client{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[addr] = c
	}
	c.seen = now
	return c.lim.AllowN(now, 1)
}

func (l *limiter) sweep(now time.Time) {
	l.swept = now
	for a, c := range l.clients {
		if now.Sub(c.seen) > 10*time.Minute {
			delete(l.clients, a)
		}
	}
	if len(l.clients) >= maxClients {
		clear(l.clients) // every one is recent: a flood; start over
	}
}
