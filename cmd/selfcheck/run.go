package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/selfcheck-id/selfcheck/bot"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/metrics"
	"github.com/selfcheck-id/selfcheck/stats"
)

func cmdRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bind(fs)
	fs.StringVar(&cfg.Token, "token", env("TELEGRAM_BOT_TOKEN", ""), "bot token from @BotFather (env TELEGRAM_BOT_TOKEN)")
	fs.StringVar(&cfg.APIURL, "api-url", env("TELEGRAM_API_URL", "https://api.telegram.org"), "Bot API server (env TELEGRAM_API_URL)")
	fs.StringVar(&cfg.BotName, "bot-username", env("BOT_USERNAME", ""), "the bot's username, for share links; asked of Telegram when empty (env BOT_USERNAME)")
	webhookURL := fs.String("webhook-url", env("WEBHOOK_URL", ""), "serve a webhook at this https URL instead of long polling (env WEBHOOK_URL)")
	secret := fs.String("webhook-secret", env("WEBHOOK_SECRET", ""), "secret Telegram sends with each webhook call: 1-256 of A-Z a-z 0-9 _ - (env WEBHOOK_SECRET)")
	var admins []int64
	fs.Func("admin-chat-ids", "comma-separated chat ids allowed to use /stats (env ADMIN_CHAT_IDS)", func(v string) error {
		ids, err := parseIDs(v)
		admins = ids
		return err
	})
	if ids, err := parseIDs(env("ADMIN_CHAT_IDS", "")); err == nil {
		admins = ids
	}
	listen := fs.String("listen", env("LISTEN_ADDR", ":8080"), "address for the webhook and /healthz, /readyz (env LISTEN_ADDR)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.Token == "" {
		fmt.Fprintln(stderr, "run: set TELEGRAM_BOT_TOKEN (from @BotFather); to try the check without Telegram use: selfcheck chat")
		return 2
	}
	if !cfg.embeddedStore() && cfg.SessionKey == "" {
		fmt.Fprintln(stderr, "run: SESSION_KEY is required with a real Redis (a long random secret; keep it stable so conversations survive restarts)")
		return 2
	}
	if *webhookURL != "" && !validSecret(*secret) {
		fmt.Fprintln(stderr, "run: webhook mode needs WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")
		return 2
	}
	log := newLogger(stderr, cfg.LogLevel, true)
	core, rdb, closeStore, code := setup(ctx, &cfg, log, stderr)
	if core == nil {
		return code
	}
	defer closeStore()
	go reloadOnHUP(ctx, &cfg, core, log)

	m := metrics.New()
	core.Observe(m)
	rec := stats.NewRecorder(rdb, log)
	core.Observe(rec)
	statsCtx, stopStats := context.WithCancel(ctx)
	statsDone := make(chan struct{})
	go func() { rec.Run(statsCtx, 5*time.Second); close(statsDone) }()
	// The last counts are saved before Redis is closed.
	defer func() { stopStats(); <-statsDone }()
	report := func(ctx context.Context) (string, error) {
		if err := rec.Flush(ctx); err != nil {
			return "", err
		}
		ts, err := stats.Read(ctx, rdb, stats.Filter{})
		if err != nil {
			return "", err
		}
		var buf strings.Builder
		err = stats.Write(&buf, "table", ts, core.Content().Flow.StepOrder)
		return buf.String(), err
	}
	b, err := bot.New(ctx, core, cfg.Token, bot.WithAPIURL(cfg.APIURL), bot.WithUsername(cfg.BotName),
		bot.WithLogger(log), bot.WithRecorder(m), bot.WithStats(admins, report))
	if err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 1
	}
	core.ShareLink = b.Link("")
	health := healthHandler(core, m.Handler())
	if *webhookURL != "" {
		err = b.Webhook(ctx, *webhookURL, *secret, *listen, health)
	} else {
		srv := &http.Server{Addr: *listen, Handler: health, ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Warn("health endpoints not served", "err", err)
			}
		}()
		err = b.Poll(ctx)
		_ = srv.Close()
	}
	if err != nil {
		fmt.Fprintln(stderr, "run:", err)
		return 1
	}
	log.Info("stopped")
	return 0
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
		content, ps := convo.LoadContent(cfg.source())
		if len(ps) > 0 {
			for _, p := range ps {
				log.Error("reload refused", "problem", p.String())
			}
			continue
		}
		core.SetContent(content)
		log.Info("reloaded flows and messages", "flow", content.Flow.ID, "version", content.Flow.Version)
	}
}
