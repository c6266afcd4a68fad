package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/selfcheck-id/selfcheck/bot"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/tgfake"
	"github.com/selfcheck-id/selfcheck/metrics"
	"github.com/selfcheck-id/selfcheck/session"
	"github.com/selfcheck-id/selfcheck/stats"
)

// startOurs runs the real bot as `selfcheck run` does in webhook mode
// (metrics, campaign statistics, Bot.Webhook on a loopback port), except
// that the rate limiter is off: the fake is not Telegram, and the point is
// what the bot itself can do.
func startOurs(ctx context.Context, e *env, ct *convo.Content) (func(), error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Without REDIS_URL e.rdb is a client on an in-process miniredis, which
	// holds conversations and campaign statistics, as in `selfcheck run`.
	store := session.NewStore(e.rdb, time.Hour)
	if err := store.Preload(ctx); err != nil { // as `selfcheck run` does
		return nil, err
	}
	core := convo.NewCore(ct, store, session.NewKeyer([]byte(randomHex(16))), log)
	m := metrics.New()
	core.Observe(m)
	rec := stats.NewRecorder(e.rdb, log)
	core.Observe(rec)
	b, err := bot.New(ctx, core, e.token, bot.WithAPIURL(e.fake.URL()), bot.WithUsername(tgfake.DefaultBotUsername),
		bot.WithLogger(log), bot.WithRecorder(m), bot.WithHTTPClient(e.client), bot.WithRateLimits(0, 0, 0))
	if err != nil {
		return nil, err
	}
	core.ShareLink = b.Link("")

	statsCtx, stopStats := context.WithCancel(context.WithoutCancel(ctx))
	statsDone := make(chan struct{})
	go func() { rec.Run(statsCtx, 5*time.Second); close(statsDone) }()
	hookCtx, stopHook := context.WithCancel(context.WithoutCancel(ctx))
	hookDone := make(chan struct{})
	go func() {
		if err := b.Webhook(hookCtx, e.hookURL("selfcheck"), e.secret, e.listen, nil); err != nil {
			log.Error("webhook", "err", err)
		}
		close(hookDone)
	}()
	return func() {
		stopHook()
		<-hookDone // in-flight updates finished (at most the bot's grace period)
		stopStats()
		<-statsDone
		if e.mr == nil {
			cleanOurs(core, e)
		}
	}, nil
}

// cleanOurs deletes what the run stored in a real Redis: every chat's
// session and this run's campaign statistics.
func cleanOurs(core *convo.Core, e *env) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range e.chats.all() {
		_ = core.Forget(ctx, id)
	}
	campaign := "loadtest_" + e.runID
	for _, day := range []time.Time{time.Now().UTC(), time.Now().UTC().Add(-time.Hour)} {
		key := stats.Key(campaign, day.Format(time.DateOnly))
		e.rdb.Del(ctx, key)
		e.rdb.SRem(ctx, statsIndexKey, key)
	}
}

// statsIndexKey is the set of statistics keys (stats.indexKey, which is
// not exported); a run's campaign key is removed from it when cleaning up.
const statsIndexKey = "{st}:index"
