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
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/dashboard"
)

// cmdDashboard is `selfcheck dashboard`: the campaign pages, on loopback
// unless DASHBOARD_ADDR says otherwise.
func cmdDashboard(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dashboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "dashboard [flags]", "Serves the campaign dashboard (statistics, CSV and JSON, links, QR codes, posters) from the bot's Redis, behind DASHBOARD_PASSWORD.")
	var cfg Config
	cfg.bind(fs, "dashboard")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if err := cfg.checkEnv(); err != nil {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 2
	}
	if cfg.Dashboard == "" {
		fmt.Fprintln(stderr, "dashboard: set DASHBOARD_PASSWORD (or --dashboard-password): the pages show every campaign's counts")
		return 2
	}
	if err := checkDashboardPassword(cfg.Dashboard); err != nil {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 2
	}
	if cfg.embeddedStore() {
		fmt.Fprintln(stderr, "dashboard: set REDIS_URL (or REDIS_ADDRS) to the Redis the bot uses")
		return 2
	}
	content, ps := convo.LoadContent(cfg.source())
	if len(ps) > 0 {
		fmt.Fprintf(stderr, "dashboard: the flows and messages do not load (run selfcheck validate): %s\n", ps[0].String())
		return 2
	}
	log, err := newLogger(stderr, cfg.LogLevel, false)
	if err != nil {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 2
	}
	rdb, closeRedis, err := connectRedis(ctx, &cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 1
	}
	defer closeRedis()
	link, noLink := campaignLinks(ctx, &cfg)
	h, err := dashboard.New(dashboardConfig(&cfg, rdb, func() *convo.Content { return content }, link, noLink, log))
	if err != nil {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 2
	}
	ln, err := net.Listen("tcp", cfg.DashAddr)
	if err != nil {
		fmt.Fprintln(stderr, "dashboard: listen:", err)
		return 1
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.Handle("/", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "dashboard: http://%s%s (user: any name; password: DASHBOARD_PASSWORD)\n", ln.Addr(), dashboard.Prefix)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
		<-done
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 1
	}
	return 0
}

// minDashboardPassword is the shortest DASHBOARD_PASSWORD taken: the
// pages answer as many guesses as are sent, so a short word would fall.
const minDashboardPassword = 12

func checkDashboardPassword(p string) error {
	if len([]rune(p)) < minDashboardPassword {
		return fmt.Errorf("DASHBOARD_PASSWORD is too short: use at least %d characters (a few words, or openssl rand -base64 12)", minDashboardPassword)
	}
	return nil
}

// dashboardConfig is the dashboard's configuration from the settings.
func dashboardConfig(cfg *Config, rdb redis.UniversalClient, content func() *convo.Content,
	link func(context.Context, string, string) (string, error), noLink string, log *slog.Logger) dashboard.Config {
	return dashboard.Config{Password: cfg.Dashboard, Redis: rdb, Content: content, Zone: cfg.StatsTZ, Link: link, NoLink: noLink, Log: log}
}

// campaignLinks makes signed campaign links with CAMPAIGN_KEY and the
// bot's username (asked of Telegram once, when only the token is given),
// or says why it cannot.
func campaignLinks(ctx context.Context, cfg *Config) (func(context.Context, string, string) (string, error), string) {
	if cfg.CampaignKey == "" {
		return nil, "dash.no_key"
	}
	if err := checkSecretKey("CAMPAIGN_KEY", cfg.CampaignKey); err != nil {
		return nil, "dash.no_key"
	}
	c := campaignFlags{cfg: *cfg}
	if c.cfg.BotName == "" {
		c.name = "probe" // any valid name: the username is what is asked
		if _, err := c.link(ctx); err != nil {
			return nil, "dash.no_bot"
		}
	}
	return func(ctx context.Context, name, lang string) (string, error) {
		c := c
		c.name, c.lang = name, lang
		return c.link(ctx)
	}, ""
}

// isLoopback reports whether host names this machine only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withDashboard adds the dashboard under dashboard.Prefix to run's server
// when DASHBOARD_PASSWORD is set; campaign links use the bot's username.
func withDashboard(ctx context.Context, next http.Handler, cfg *Config, rdb redis.UniversalClient, core *convo.Core,
	flush func(context.Context) error, b interface{ Username() string }, log *slog.Logger) (http.Handler, error) {
	if cfg.Dashboard == "" {
		return next, nil
	}
	if err := checkDashboardPassword(cfg.Dashboard); err != nil {
		return nil, err
	}
	if host, _, err := net.SplitHostPort(cfg.Listen); err == nil && !isLoopback(host) {
		log.Warn("the dashboard is served on every interface of LISTEN_ADDR: put TLS in front of it (a reverse proxy) or listen on 127.0.0.1", "listen", cfg.Listen)
	}
	c := *cfg
	c.BotName = b.Username()
	link, noLink := campaignLinks(ctx, &c)
	dc := dashboardConfig(cfg, rdb, core.Content, link, noLink, log)
	dc.Flush = flush
	h, err := dashboard.New(dc)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(dashboard.Prefix, h)
	mux.Handle("/", next)
	log.Info("serving the dashboard", "path", dashboard.Prefix)
	return mux, nil
}
