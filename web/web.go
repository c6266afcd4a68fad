// Package web is the browser channel: the same check as on Telegram, as
// server-rendered pages that work without JavaScript. Like the terminal and
// Telegram adapters it holds no flow logic: it turns a form post into a
// convo.Request and a convo.Response into a page.
//
// A visitor is a random id in a cookie (HttpOnly, SameSite=Strict, Secure
// behind TLS); the session lives in the same store as Telegram's, under a
// keyed hash of that id. Every post carries a token derived from the id, so
// another site cannot post for the visitor. In kiosk mode nothing outlives
// the visit: an idle screen counts down and clears itself, and a cleared
// visitor's pages and forms lead nowhere.
package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
)

// Core is the part of the conversation core the pages need.
type Core interface {
	Handle(ctx context.Context, req convo.Request) convo.Response
	Content() *convo.Content
}

// Options configure the web channel. The zero value serves plain pages.
type Options struct {
	// Secret keys the form tokens (derive it from SESSION_KEY); required.
	Secret []byte
	// Start is the /start payload every new visitor's check begins with:
	// a signed campaign code (campaign.Keys.Payload) so that the check is
	// counted under the campaign. Empty counts under direct.
	Start string
	// Kiosk clears the screen after Idle without a touch, and offers the
	// Telegram QR code and a "next person" button at the end.
	Kiosk bool
	// Idle is how long a kiosk screen waits before it clears (default 90 s).
	Idle time.Duration
	// TelegramLink is where the kiosk's QR code leads ("" draws none).
	TelegramLink string
	// CookieAge is how long a visitor's cookie lasts outside kiosk mode;
	// set it to the session store's TTL (default session.DefaultTTL). A kiosk's cookie
	// lasts until the browser closes or the screen clears.
	CookieAge time.Duration
	// SecureCookie marks the cookie Secure even when the request did not
	// come over TLS (TLS ends at a proxy that does not say so).
	SecureCookie bool
	// Rate and Burst limit requests per client address (default 2 a second,
	// bursts of 40: a page and its style sheet at a brisk tap).
	Rate  float64
	Burst int
	// TrustProxy takes the client's address from the last X-Forwarded-For
	// entry (set only behind a reverse proxy that sets it).
	TrustProxy bool
	Log        *slog.Logger
}

// Server serves the pages.
type Server struct {
	core  Core
	opt   Options
	mux   *http.ServeMux
	limit *limiter
	qr    []byte // the kiosk's QR code, PNG
	now   func() time.Time
}

// New returns the web channel's handler over core.
func New(core Core, opt Options) (*Server, error) {
	if opt.Idle <= 0 {
		opt.Idle = 90 * time.Second
	}
	if opt.CookieAge <= 0 {
		opt.CookieAge = session.DefaultTTL
	}
	if opt.Rate <= 0 {
		opt.Rate = 2
	}
	if opt.Burst <= 0 {
		opt.Burst = 40
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if len(opt.Secret) == 0 {
		return nil, errNoSecret
	}
	s := &Server{core: core, opt: opt, now: time.Now}
	s.limit = newLimiter(opt.Rate, opt.Burst, s.now)
	if opt.Kiosk && opt.TelegramLink != "" {
		var buf bytes.Buffer
		if err := campaign.QR(&buf, opt.TelegramLink, 480); err != nil {
			return nil, err
		}
		s.qr = buf.Bytes()
	}
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.page)
	m.HandleFunc("POST /{$}", s.post)
	m.HandleFunc("POST /reset", s.reset)
	m.HandleFunc("GET /s.css", asset("style.css", "text/css; charset=utf-8"))
	m.HandleFunc("GET /k.js", asset("kiosk.js", "text/javascript; charset=utf-8"))
	m.HandleFunc("GET /qr.png", s.qrCode)
	s.mux = m
	return s, nil
}

// ServeHTTP applies the headers every answer gets and the per-address
// limit, then serves.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if !s.limit.allow(s.clientAddr(r)) {
		s.tooMany(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// csp allows only this site's own style sheet, script and images: no
// inline script or style, no other origin, no framing, forms only here.
const csp = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
