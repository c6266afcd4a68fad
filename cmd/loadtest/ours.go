package main

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/bot"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
	"github.com/selfcheck-id/selfcheck/metrics"
	"github.com/selfcheck-id/selfcheck/session"
	"github.com/selfcheck-id/selfcheck/stats"
)

// startOurs runs the real bot as `selfcheck run` does in webhook mode
// (metrics, campaign statistics, Bot.Webhook on a loopback port), except
// that the rate limiter is off: the fake is not Telegram, and the point is
// what the bot itself can do.
func startOurs(ctx context.Context, e *env, ct *convo.Content) (func(), error) {
	core, stopCore, err := newOursCore(ctx, e.rdb, ct)
	if err != nil {
		return nil, err
	}
	_, stopBot, err := startBot(ctx, e, core, false, nil)
	if err != nil {
		stopCore()
		return nil, err
	}
	return func() {
		stopBot() // in-flight updates finished (at most the bot's grace period)
		stopCore()
		if e.mr == nil {
			cleanOurs(core, e)
		}
	}, nil
}

// newOursCore is the conversation core of `selfcheck run` on rdb, with its
// campaign statistics flushed in the background until stop.
func newOursCore(ctx context.Context, rdb *redis.Client, ct *convo.Content) (*convo.Core, func(), error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Without REDIS_URL rdb is a client on an in-process miniredis, which
	// holds conversations and campaign statistics, as in `selfcheck run`.
	store := session.NewStore(rdb, time.Hour).KeepRecent(session.DefaultRecent, session.DefaultRecentAge)
	if err := store.Preload(ctx); err != nil { // as `selfcheck run` does
		return nil, nil, err
	}
	core := convo.NewCore(ct, store, session.NewKeyer([]byte(randomHex(16))), log)
	rec := stats.NewRecorder(rdb, log)
	core.Observe(rec)
	statsCtx, stopStats := context.WithCancel(context.WithoutCancel(ctx))
	statsDone := make(chan struct{})
	go func() { rec.Run(statsCtx, 5*time.Second); close(statsDone) }()
	return core, func() { stopStats(); <-statsDone }, nil
}

// startBot serves one bot on e's webhook with core. paced keeps Telegram's
// limits (the bot's defaults); else the limiter is off. rec, when not
// nil, is told about updates and shed ones besides the metrics.
func startBot(ctx context.Context, e *env, core *convo.Core, paced bool, rec *shedCounter) (*bot.Bot, func(), error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := metrics.New()
	core.Observe(m)
	var r bot.Recorder = m
	if rec != nil {
		rec.Recorder = m
		r = rec
	}
	opts := []bot.Option{bot.WithAPIURL(e.fake.URL()), bot.WithUsername(tgfake.DefaultBotUsername),
		bot.WithLogger(log), bot.WithRecorder(r), bot.WithHTTPClient(e.client)}
	if !paced {
		opts = append(opts, bot.WithRateLimits(0, 0, 0))
	}
	b, err := bot.New(ctx, core, e.token, opts...)
	if err != nil {
		return nil, nil, err
	}
	core.ShareLink = b.Link("")
	hookCtx, stopHook := context.WithCancel(context.WithoutCancel(ctx))
	hookDone := make(chan struct{})
	go func() {
		if err := b.Webhook(hookCtx, e.hookURL("selfcheck"), e.secret, e.listen, nil); err != nil {
			log.Error("webhook", "err", err)
		}
		close(hookDone)
	}()
	return b, func() { stopHook(); <-hookDone }, nil
}

// shedCounter counts the updates a bot refused or dropped, by reason.
type shedCounter struct {
	bot.Recorder
	mu     sync.Mutex
	counts map[string]int
}

func (c *shedCounter) Shed(reason string) {
	c.Recorder.Shed(reason)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[reason]++
}

func (c *shedCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts)
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
