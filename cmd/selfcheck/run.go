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
	if err := errors.Join(err1, err2, err3); err != nil || b < 1 {
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
	go reloadOnHUP(ctx, cfg, core, log)

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
	core.Days = cfg.StatsTZ
	report := telegramStats(rdb, core, rec.Flush, cfg.StatsTZ.String())
	b, err := bot.New(ctx, core, cfg.Token, bot.WithAPIURL(cfg.APIURL), bot.WithUsername(cfg.BotName),
		bot.WithLogger(log), bot.WithRecorder(m), bot.WithStats(cfg.Admins, func(ctx context.Context) (string, error) { return report(ctx, "") }),
		bot.WithHTTPClient(bot.NewHTTPClient(apiIdleConns)),
		bot.WithRateLimits(cfg.RateLimits.global, cfg.RateLimits.perChat, cfg.RateLimits.burst))
	if err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 1
	}
	core.ShareLink = b.Link("")
	core.Campaigns = campaign.NewKeys(cfg.CampaignKey)
	health := healthHandler(core, m.Handler())
	if health, err = withDashboard(ctx, health, cfg, rdb, core, rec.Flush, b, log); err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 2
	}
	mode := "polling"
	if cfg.WebhookURL != "" {
		mode = "webhook"
	}
	log.Info("starting", "mode", mode, "embedded_store", cfg.embeddedStore(), "flow", core.Content().Flow.ID,
		"version", core.Content().Flow.Version)
	if cfg.WebhookURL != "" {
		err = serveWebhook(ctx, b, cfg, health, &serving, log, stopServer)
	} else {
		serving.set(health)
		err = b.Poll(ctx)
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

// serveWebhook serves updates at the webhook URL's path (beside the health
// endpoints) on the server already running, registers the webhook, and
// when ctx ends stops the server and lets the updates in hand finish.
func serveWebhook(ctx context.Context, b *bot.Bot, cfg *Config, health http.Handler, serving *swapHandler,
	log *slog.Logger, stopServer func(time.Duration) error) error {
	path, err := bot.WebhookPath(cfg.WebhookURL)
	if err != nil {
		_ = stopServer(time.Second)
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+path, b.WebhookHandler(cfg.Secret))
	mux.Handle("/", health)
	serving.set(mux)
	if err := b.RegisterWebhook(ctx, cfg.WebhookURL, cfg.Secret); err != nil {
		_ = stopServer(time.Second)
		return err
	}
	log.Info("serving webhook", "path", path)
	<-ctx.Done()
	stopping := time.Now()
	err = stopServer(bot.ShutdownGrace)
	b.Drain(bot.ShutdownGrace - time.Since(stopping))
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

// reloadOnHUP reloads flows and messages on SIGHUP. New content that does
// not validate is refused whole; the old content keeps serving.
func reloadOnHUP(ctx context.Context, cfg *Config, core *convo.Core, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		reload(cfg, core, log)
	}
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
