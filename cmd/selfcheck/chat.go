package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/locales"
	"github.com/selfcheck-id/selfcheck/session"
	"github.com/selfcheck-id/selfcheck/terminal"
)

func cmdChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "chat [flags]", "A self-check in the terminal: no token needed, and without REDIS_URL no Redis either.")
	var cfg Config
	cfg.bind(fs, "chat")
	lang := fs.String("lang", locales.Default, "language: one of "+strings.Join(locales.Languages(), ", "))
	stay := fs.Bool("stay", false, "stay after the verdict (type /restart to check again)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if err := cfg.checkEnv(); err != nil {
		fmt.Fprintln(stderr, "chat:", err)
		return 2
	}
	if !locales.Supported(*lang) {
		fmt.Fprintln(stderr, "chat: --lang must be one of", strings.Join(locales.Languages(), ", "))
		return 2
	}
	if err := cfg.checkSessionKey(); err != nil {
		fmt.Fprintln(stderr, "chat:", err)
		return 2
	}
	log, err := newLogger(stderr, cfg.LogLevel, false)
	if err != nil {
		fmt.Fprintln(stderr, "chat:", err)
		return 2
	}
	core, _, closeStore, code := setup(ctx, &cfg, log, stderr)
	if core == nil {
		return code
	}
	defer closeStore()
	opt := terminal.Options{Lang: *lang, Echo: !isTerminal(stdin), Stay: *stay}
	if err := terminal.Run(ctx, core, stdin, stdout, opt); err != nil {
		fmt.Fprintln(stderr, "chat:", err)
		return 1
	}
	return 0
}

// setup loads and validates content and opens the store: what every
// serving command needs. On failure it prints why and returns a nil core.
func setup(ctx context.Context, cfg *Config, log *slog.Logger, stderr io.Writer) (*convo.Core, redis.UniversalClient, func(), int) {
	content, ps := convo.LoadContent(cfg.source())
	if len(ps) > 0 {
		for _, p := range ps {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintf(stderr, "%d problem(s) in the flows or messages: not starting\n", len(ps))
		return nil, nil, nil, 1
	}
	session.LogRedisTo(log)
	rdb, closeRedis, err := connectRedis(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, nil, nil, 1
	}
	key := []byte(cfg.SessionKey)
	if len(key) == 0 {
		// A random key each run: fine for a store that is lost at exit.
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	store := session.NewStore(rdb, cfg.SessionTTL).KeepRecent(session.DefaultRecent, session.DefaultRecentAge)
	if err := store.Preload(ctx); err != nil {
		// Not fatal: a save falls back to sending the script itself.
		log.Warn("could not preload the session script", "err", err)
	}
	core := convo.NewCore(content, store, session.NewKeyer(key), log)
	core.Days = cfg.StatsTZ // the statistics' days (STATS_TZ; nil, UTC, where a command has none)
	return core, rdb, closeRedis, 0
}

// connectRedis opens the configured Redis, giving up after a minute.
func connectRedis(ctx context.Context, cfg *Config, log *slog.Logger) (redis.UniversalClient, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return session.Connect(ctx, cfg.Redis, log)
}

// newLogger logs at level (debug, info, warn, error) to w: JSON lines for
// the bot (`run`), text for people (`chat`). Nothing logged carries a chat
// id, a username or an answer: at most a short prefix of the chat's hash.
func newLogger(w io.Writer, level string, json bool) (*slog.Logger, error) {
	var l slog.Level
	switch strings.ToLower(level) {
	case "debug", "info", "warn", "error":
		_ = l.UnmarshalText([]byte(level))
	default:
		return nil, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	if json {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

// isTerminal reports whether r is an interactive terminal (not a pipe).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
