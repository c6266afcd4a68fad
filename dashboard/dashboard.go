// Package dashboard serves the campaign organisers' web pages: every
// campaign with its totals, a page per campaign (chart, funnel, verdicts,
// the answers in people's words, a range of days, CSV and JSON
// downloads), and a form that makes a campaign's link, QR code and A4
// poster. The pages are rendered on the server (html/template) with no
// script and nothing loaded from elsewhere, behind a password (HTTP basic
// auth). Counts are suppressed as in every report (package stats).
package dashboard

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/locales/toolkit"
)

// Prefix is where the pages are served: beside /metrics and /healthz when
// `run` serves them.
const Prefix = "/dashboard/"

// Config is what the dashboard reads and makes.
type Config struct {
	// Password is asked of every request (HTTP basic auth, any user
	// name). New refuses an empty one.
	Password string
	// Redis holds the statistics.
	Redis redis.UniversalClient
	// Content is the content the bot serves: the rows of the reports,
	// the texts of the questions, the contacts of the posters.
	Content func() *convo.Content
	// Zone is the time zone of the statistics' days (STATS_TZ).
	Zone *time.Location
	// Link makes a campaign's signed deep link; nil when there is no
	// CAMPAIGN_KEY or bot username (the form then says so).
	Link func(ctx context.Context, name, lang string) (string, error)
	// NoLink says why Link is nil, for the form: the id of a text of
	// package toolkit (dash.no_key, dash.no_bot).
	NoLink string
	// Flush saves the counts in hand before a page reads them (run's
	// recorder); nil for none.
	Flush func(context.Context) error
	Log   *slog.Logger
}

//go:embed templates/*.html
var templateFiles embed.FS

// Handler serves the dashboard under Prefix.
type Handler struct {
	cfg   Config
	pages *template.Template
	mux   *http.ServeMux
	hash  [32]byte // of the password: compared in constant time whatever its length
}

// New returns the dashboard's handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Password == "" {
		return nil, errNoPassword
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Zone == nil {
		cfg.Zone = time.UTC
	}
	pages, err := template.New("").Funcs(template.FuncMap{"t": toolkit.T}).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, pages: pages, mux: http.NewServeMux(), hash: sha256.Sum256([]byte(cfg.Password))}
	h.routes()
	return h, nil
}

type dashboardError string

func (e dashboardError) Error() string { return string(e) }

const errNoPassword = dashboardError("the dashboard needs a password: set DASHBOARD_PASSWORD")

// ServeHTTP asks for the password, then serves the page. Every answer
// says not to cache it (counts change, and a shared computer keeps
// caches) and not to be framed.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	if !h.authorised(r) {
		hd.Set("WWW-Authenticate", `Basic realm="selfcheck dashboard", charset="UTF-8"`)
		http.Error(w, "401 password required (DASHBOARD_PASSWORD)", http.StatusUnauthorized)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// authorised compares the password given with the dashboard's in
// constant time: hashing both first makes the time independent of either
// length too.
func (h *Handler) authorised(r *http.Request) bool {
	_, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	given := sha256.Sum256([]byte(pass))
	return subtle.ConstantTimeCompare(given[:], h.hash[:]) == 1
}
