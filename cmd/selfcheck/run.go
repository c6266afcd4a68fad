package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/selfcheck-id/selfcheck/bot"
	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/fleet"
	"github.com/selfcheck-id/selfcheck/metrics"
	"github.com/selfcheck-id/selfcheck/stats"
)

// rateLimits are the outgoing-message limits (TELEGRAM_RATE_LIMITS):
// messages per second overall, per second per chat, and the per-chat burst.
type rateLimits struct {
	global, perChat float64
	burst           int
}

func (r rateLimits) String() string {
	if r.global <= 0 && r.perChat <= 0 {
		return "off"
	}
	return strconv.FormatFloat(r.global, 'g', -1, 64) + "," + strconv.FormatFloat(r.perChat, 'g', -1, 64) + "," + strconv.Itoa(r.burst)
}

// defaultRateLimits are the bot's own defaults (Telegram's limits).
func defaultRateLimits() rateLimits {
	g, c, b := bot.DefaultRateLimits()
	return rateLimits{global: g, perChat: c, burst: b}
}

// parseRateLimits reads "GLOBAL,PER_CHAT,BURST" (e.g. "30,1,4") or "off".
func parseRateLimits(v string) (rateLimits, error) {
	if v == "off" {
		return rateLimits{}, nil
	}
	f := strings.Split(v, ",")
	if len(f) != 3 {
		return rateLimits{}, fmt.Errorf("rate limits %q: want GLOBAL,PER_CHAT,BURST (e.g. 30,1,4) or off", v)
	}
	g, err1 := strconv.ParseFloat(strings.TrimSpace(f[0]), 64)
	c, err2 := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
	b, err3 := strconv.Atoi(strings.TrimSpace(f[2]))
	if err := errors.Join(err1, err2, err3); err != nil || b < 1 || b > 100 ||
		!(g >= 1 && g <= 10000) || !(c >= 0.01 && c <= 1000) { // also refuses NaN and Inf
		return rateLimits{}, fmt.Errorf("rate limits %q: want GLOBAL,PER_CHAT,BURST (e.g. 30,1,4) or off", v)
	}
	return rateLimits{global: g, perChat: c, burst: b}, nil
}

// newRunFlags declares the flags of `selfcheck run`: its settings.
func newRunFlags(stderr io.Writer) (*flag.FlagSet, *Config) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "run [flags]", "Runs the Telegram bot: long polling, or a webhook with --webhook-url.\nEvery flag can also be given as the environment variable named in its text; the flag wins.")
	cfg := &Config{}
	cfg.bind(fs, "run")
	return fs, cfg
}

// apiIdleConns is how many idle keep-alive connections to the Bot API the
// bot keeps: enough for every chat in flight to reuse one.
const apiIdleConns = 100

func cmdRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, cfg := newRunFlags(stderr)
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if err := cfg.checkEnv(); err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 2
	}
	if cfg.Token == "" {
		fmt.Fprintln(stderr, "run: set TELEGRAM_BOT_TOKEN (from @BotFather); to try the check without Telegram use: selfcheck chat")
		return 2
	}
	if err := cfg.checkSessionKey(); err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 2
	}
	if cfg.CampaignKey != "" {
		if err := checkSecretKey("CAMPAIGN_KEY", cfg.CampaignKey); err != nil {
			fmt.Fprintln(stderr, "run:", err)
			return 2
		}
	}
	if _, err := bot.WebhookPath(cfg.WebhookURL); cfg.WebhookURL != "" && err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 2
	}
	if cfg.WebhookURL != "" && !validSecret(cfg.Secret) {
		fmt.Fprintln(stderr, "run: webhook mode needs WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")
		return 2
	}
	log, err := newLogger(stderr, cfg.LogLevel, true)
	if err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 2
	}
	// /healthz, /readyz and /metrics answer from the start: while the bot
	// waits for Redis, the process is alive (200) and not ready (503).
	m := metrics.New()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		fmt.Fprintln(stderr, "run: listen:", err)
		return 1
	}
	var serving swapHandler
	serving.set(startingHandler(m.Handler()))
	srv := bot.NewServer(&serving)
	srvDone := make(chan error, 1)
	go func() { srvDone <- srv.Serve(ln) }()
	log.Info("serving health and metrics", "listen", ln.Addr().String())
	stopServer := func(grace time.Duration) error {
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		err := srv.Shutdown(sctx)
		if serr := <-srvDone; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
		return err
	}
	serverStopped := false
	defer func() {
		if !serverStopped {
			_ = stopServer(5 * time.Second)
		}
	}()

	core, rdb, closeStore, code := setup(ctx, cfg, log, stderr)
	if core == nil {
		return code
	}
	defer closeStore()
	reloadOnHUP(ctx, cfg, core, log)

	core.Observe(m)
	if cfg.CampaignKey == "" {
		log.Warn("no CAMPAIGN_KEY: every campaign link counts under \"other\" in the statistics")
	}
	rec := stats.NewRecorder(rdb, log, stats.SignedCampaigns(campaign.NewKeys(cfg.CampaignKey)))
	core.Observe(rec)
	statsCtx, stopStats := context.WithCancel(context.WithoutCancel(ctx))
	statsDone := make(chan struct{})
	go func() { rec.Run(statsCtx, 5*time.Second); close(statsDone) }()
	// The last counts are saved before Redis is closed.
	defer func() { stopStats(); <-statsDone }()
	report := telegramStats(rdb, core, rec.Flush, cfg.StatsTZ.String())
	bots, err := newBots(ctx, cfg, core, log, m, report)
	if err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 1
	}
	b := bots[0]
	core.ShareLink = b.Link("")
	core.Campaigns = campaign.NewKeys(cfg.CampaignKey)
	// Campaign links through /go/ spread new people over the bots (of
	// this process and, through Redis, of the other replicas).
	members := make([]fleet.Member, len(bots))
	for i, b := range bots {
		members[i] = b
	}
	fl := fleet.New(rdb, log, members...)
	go fl.Run(ctx)
	health := withRedirect(healthHandler(core, m.Handler()), fl)
	if health, err = withDashboard(ctx, health, cfg, rdb, core, rec.Flush, b, log); err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 2
	}
	stopWeb, err := startWeb(cfg, core, log)
	if err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 1
	}
	defer stopWeb()
	mode := "polling"
	if cfg.WebhookURL != "" {
		mode = "webhook"
	}
	log.Info("starting", "mode", mode, "bots", len(bots), "embedded_store", cfg.embeddedStore(), "flow", core.Content().Flow.ID,
		"version", core.Content().Flow.Version)
	if cfg.WebhookURL != "" {
		err = serveWebhook(ctx, bots, cfg, health, &serving, log, stopServer)
	} else {
		serving.set(health)
		err = pollAll(ctx, bots)
		if serr := stopServer(5 * time.Second); err == nil {
			err = serr
		}
	}
	serverStopped = true
	if err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// newBots connects one bot per token (TELEGRAM_BOT_TOKEN may list several,
// comma-separated: one bot sends about 30 messages a second, and a big
// event needs more). They share the core: flows, sessions and statistics.
func newBots(ctx context.Context, cfg *Config, core *convo.Core, log *slog.Logger, m *metrics.Metrics,
	report func(context.Context, string) (string, error)) ([]*bot.Bot, error) {
	tokens := splitList(cfg.Token)
	names := splitList(cfg.BotName)
	if len(names) != len(tokens) {
		names = nil // asked of Telegram (getMe) for each
	}
	var bots []*bot.Bot
	for i, token := range tokens {
		opts := []bot.Option{bot.WithAPIURL(cfg.APIURL),
			bot.WithLogger(log), bot.WithRecorder(m), bot.WithStats(cfg.Admins, report),
			bot.WithHTTPClient(bot.NewHTTPClient(apiIdleConns)),
			bot.WithRateLimits(cfg.RateLimits.global, cfg.RateLimits.perChat, cfg.RateLimits.burst),
			bot.WithBackpressure(cfg.MaxInHand, cfg.MaxBacklog)}
		if names != nil {
			opts = append(opts, bot.WithUsername(strings.TrimPrefix(names[i], "@")))
		}
		// The first bot keeps the chats it had alone; each other one has
		// its own, by its bot id (the token's part before the colon): keep
		// the first token first.
		var c bot.Core = core
		if i > 0 {
			id, _, _ := strings.Cut(token, ":")
			c = convo.Spaced{Core: core, Space: id}
		}
		b, err := bot.New(ctx, c, token, opts...)
		if err != nil {
			if len(tokens) > 1 {
				return nil, fmt.Errorf("bot %d of %d: %w", i+1, len(tokens), err)
			}
			return nil, err
		}
		bots = append(bots, b)
	}
	return bots, nil
}

// pollAll long-polls every bot until ctx ends. A bot that fails stops
// them all: the redirect would go on sending people to it.
func pollAll(ctx context.Context, bots []*bot.Bot) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(bots))
	for _, b := range bots {
		go func() { errs <- b.Poll(ctx) }()
	}
	var err error
	for range bots {
		if e := <-errs; e != nil {
			err = errors.Join(err, e)
			cancel()
		}
	}
	return err
}

// withRedirect serves /go/ (campaign links spread over the bots) beside
// next.
func withRedirect(next http.Handler, fl *fleet.Fleet) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /go/", fl.Handler())
	mux.Handle("/", next)
	return mux
}

// hookURL is the webhook URL of bot i of n: WEBHOOK_URL itself for one
// bot, WEBHOOK_URL/USERNAME for each of several.
func hookURL(base string, b *bot.Bot, n int) string {
	if n == 1 {
		return base
	}
	return strings.TrimRight(base, "/") + "/" + b.Username()
}

// serveWebhook serves each bot's updates at its webhook URL's path (beside
// the health endpoints) on the server already running, registers the
// webhooks, and when ctx ends refuses new updates (503: Telegram keeps
// them), stops the server and lets the updates in hand finish.
func serveWebhook(ctx context.Context, bots []*bot.Bot, cfg *Config, health http.Handler, serving *swapHandler,
	log *slog.Logger, stopServer func(time.Duration) error) error {
	mux := http.NewServeMux()
	for _, b := range bots {
		path, err := bot.WebhookPath(hookURL(cfg.WebhookURL, b, len(bots)))
		if err != nil {
			_ = stopServer(time.Second)
			return err
		}
		mux.Handle("POST "+path, b.WebhookHandler(cfg.Secret))
	}
	mux.Handle("/", health)
	serving.set(mux)
	for _, b := range bots {
		if err := b.RegisterWebhook(ctx, hookURL(cfg.WebhookURL, b, len(bots)), cfg.Secret); err != nil {
			_ = stopServer(time.Second)
			return err
		}
		log.Info("serving webhook", "bot", b.Username())
	}
	<-ctx.Done()
	for _, b := range bots {
		b.StopAccepting()
	}
	stopping := time.Now()
	err := stopServer(bot.ShutdownGrace)
	done := make(chan struct{}, len(bots))
	for _, b := range bots {
		go func() { b.Drain(bot.ShutdownGrace - time.Since(stopping)); done <- struct{}{} }()
	}
	for range bots {
		<-done
	}
	return err
}

// swapHandler serves with the handler set last: the start-up endpoints
// while the bot waits for Redis, then the bot's.
type swapHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// startingHandler serves the health endpoints before the bot is up: the
// process is alive, not ready.
func startingHandler(metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not ready: starting (loading flows, waiting for Redis)", http.StatusServiceUnavailable)
	})
	return mux
}

func parseIDs(v string) ([]int64, error) {
	var ids []int64
	for _, s := range splitList(v) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("chat id %q is not a number", s)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func validSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// healthHandler serves /healthz (the process is alive), /readyz (flows
// loaded and Redis answering) and /metrics.
func healthHandler(core *convo.Core, metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := core.Ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// reloadOnHUP listens for SIGHUP from its return on, and on each reloads
// flows and messages, until ctx ends (then the returned channel closes).
// New content that does not validate is refused whole; the old content
// keeps serving.
func reloadOnHUP(ctx context.Context, cfg *Config, core *convo.Core, log *slog.Logger) <-chan struct{} {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			reload(cfg, core, log)
		}
	}()
	return stopped
}

// reload loads flows and messages again and swaps them in only when they
// validate whole; it reports whether it did.
func reload(cfg *Config, core *convo.Core, log *slog.Logger) bool {
	content, ps := convo.LoadContent(cfg.source())
	if len(ps) > 0 {
		for _, p := range ps {
			log.Error("reload refused; the old flows and messages keep serving", "problem", p.String())
		}
		return false
	}
	core.SetContent(content)
	log.Info("reloaded flows and messages", "flow", content.Flow.ID, "version", content.Flow.Version)
	return true
}
