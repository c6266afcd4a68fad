package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/stats"
	"github.com/selfcheck-id/selfcheck/web"
)

// kioskTTL is how long a kiosk keeps answers when SESSION_TTL is not
// given: a visit is minutes long, and the screen clears itself sooner.
const kioskTTL = 30 * time.Minute

func cmdWeb(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "web [flags]", "The check as web pages, for any browser; --kiosk for a shared screen at a booth.")
	var cfg Config
	cfg.bind(fs, "web")
	listen := fs.String("listen", "127.0.0.1:8081", "address to serve the pages on")
	kiosk := fs.Bool("kiosk", false, "kiosk mode: a shared screen that clears itself after --idle and keeps nothing beyond a visit")
	idle := fs.Duration("idle", 90*time.Second, "kiosk: how long an untouched screen waits before it clears")
	name := fs.String("campaign", "", "count every check under this campaign (needs CAMPAIGN_KEY)")
	lang := fs.String("lang", "", "with --campaign: start every check in this language (id or en); empty follows the browser")
	secure := fs.Bool("secure-cookie", false, "mark the cookie Secure although requests arrive over plain HTTP (TLS ends at a proxy)")
	trustProxy := fs.Bool("trust-proxy", false, "limit requests by the last X-Forwarded-For address (only behind a proxy that sets it)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	campaignKey := cfg.CampaignKey
	if *kiosk && !cfg.given("SESSION_TTL") {
		cfg.SessionTTL = kioskTTL
	}
	fail := func(err error) int { fmt.Fprintln(stderr, "web:", err); return 2 }
	if err := cfg.checkEnv(); err != nil {
		return fail(err)
	}
	if err := cfg.checkSessionKey(); err != nil {
		return fail(err)
	}
	keys := campaign.NewKeys(campaignKey)
	start := ""
	if *lang != "" && *name == "" {
		return fail(errors.New("--lang needs --campaign (without it the page follows the browser's language)"))
	}
	if *name != "" {
		if err := checkSecretKey("CAMPAIGN_KEY", campaignKey); err != nil {
			return fail(fmt.Errorf("--campaign: %w", err))
		}
		p, err := keys.Payload(*name, *lang)
		if err != nil {
			return fail(fmt.Errorf("--campaign: %w", err))
		}
		start = p
	}
	log, err := newLogger(stderr, cfg.LogLevel, true)
	if err != nil {
		return fail(err)
	}
	core, rdb, closeStore, code := setup(ctx, &cfg, log, stderr)
	if core == nil {
		return code
	}
	defer closeStore()
	core.Campaigns = keys
	rec := stats.NewRecorder(rdb, log, stats.SignedCampaigns(keys))
	core.Observe(rec)
	statsCtx, stopStats := context.WithCancel(context.WithoutCancel(ctx))
	statsDone := make(chan struct{})
	go func() { rec.Run(statsCtx, 5*time.Second); close(statsDone) }()
	defer func() { stopStats(); <-statsDone }()

	opt := web.Options{Secret: formSecret(cfg.SessionKey), Start: start, Kiosk: *kiosk, Idle: *idle,
		CookieAge: cfg.SessionTTL, SecureCookie: *secure, TrustProxy: *trustProxy, Log: log}
	if names := splitList(cfg.BotName); *kiosk && (len(names) > 0 || cfg.PublicURL != "") {
		p := start
		if p == "" {
			p = "kiosk" // unsigned: counted under other, as any typed name
		}
		if cfg.PublicURL != "" {
			opt.TelegramLink = cfg.PublicURL + "/go/" + p // the least busy of several bots
		} else {
			opt.TelegramLink = campaign.Link(names[0], p)
		}
	} else if *kiosk {
		log.Warn("no BOT_USERNAME: the kiosk's verdict shows no QR code to continue on Telegram")
	}
	h, err := web.New(core, opt)
	if err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(stderr, "web: listen:", err)
		return 1
	}
	srv := newWebServer(h)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	log.Info("serving the web pages", "listen", ln.Addr().String(), "kiosk", *kiosk, "campaign", *name)
	select {
	case err = <-done:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = srv.Shutdown(sctx)
		<-done
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "web:", err)
		return 1
	}
	return 0
}

// formSecret keys the web forms' tokens: derived from SESSION_KEY so that
// replicas agree, random for a run without one (an embedded store).
func formSecret(sessionKey string) []byte {
	if sessionKey == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return b
	}
	sum := sha256.Sum256([]byte("selfcheck web forms\x00" + sessionKey))
	return sum[:]
}

// startWeb serves the web pages beside the bot when WEB_LISTEN is set
// (`run`): the same core, so the same sessions and statistics. stop ends
// the server, letting requests in hand finish.
func startWeb(cfg *Config, core *convo.Core, log *slog.Logger) (stop func(), err error) {
	if cfg.WebListen == "" {
		return func() {}, nil
	}
	h, err := web.New(core, web.Options{Secret: formSecret(cfg.SessionKey), CookieAge: cfg.SessionTTL, Log: log})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.WebListen)
	if err != nil {
		return nil, fmt.Errorf("web: listen: %w", err)
	}
	srv := newWebServer(h)
	done := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(done) }()
	log.Info("serving the web pages", "listen", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}

func newWebServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
}
