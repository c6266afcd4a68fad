package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Timeouts keep a handler from hanging on a slow or dead Redis.
const (
	dialTimeout = 2 * time.Second
	ioTimeout   = 1 * time.Second
)

// RedisConfig names the Redis to use. Empty means an embedded in-process
// server (miniredis), so that the program runs with no set-up.
type RedisConfig struct {
	// URL of one node: redis://[:password@]host:port/db, rediss:// for TLS.
	URL string
	// Addrs of several nodes: a Cluster, or Sentinels with SentinelMaster.
	Addrs          []string
	SentinelMaster string
	Password       string
}

// Connect opens the configured Redis and waits for it to answer, retrying
// with backoff until ctx ends and saying in the log what it waits for. The
// returned close function releases the client (and the embedded server).
func Connect(ctx context.Context, cfg RedisConfig, log *slog.Logger) (redis.UniversalClient, func(), error) {
	var rdb redis.UniversalClient
	var embedded *miniredis.Miniredis
	where := ""
	switch {
	case cfg.URL != "":
		opts, err := redis.ParseURL(cfg.URL)
		if err != nil {
			return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.MaxRetries = dialTimeout, ioTimeout, ioTimeout, 1
		rdb, where = redis.NewClient(opts), opts.Addr
	case len(cfg.Addrs) > 0:
		rdb = redis.NewUniversalClient(&redis.UniversalOptions{
			Addrs: cfg.Addrs, MasterName: cfg.SentinelMaster, Password: cfg.Password,
			DialTimeout: dialTimeout, ReadTimeout: ioTimeout, WriteTimeout: ioTimeout, MaxRetries: 1,
		})
		where = strings.Join(cfg.Addrs, ",")
	default:
		embedded = miniredis.NewMiniRedis()
		if err := embedded.Start(); err != nil {
			return nil, nil, fmt.Errorf("start embedded redis: %w", err)
		}
		log.Info("no REDIS_URL: using an embedded in-memory store; conversations are lost when the program exits")
		rdb = redis.NewClient(&redis.Options{Addr: embedded.Addr()})
	}
	closeAll := func() {
		_ = rdb.Close()
		if embedded != nil {
			embedded.Close()
		}
	}
	if err := waitReady(ctx, rdb, where, log); err != nil {
		closeAll()
		return nil, nil, err
	}
	return rdb, closeAll, nil
}

// waitReady pings until Redis answers: at start-up Redis may still be
// starting beside the bot (docker compose), which is no reason to die.
func waitReady(ctx context.Context, rdb redis.UniversalClient, where string, log *slog.Logger) error {
	wait := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := rdb.Ping(ctx).Err()
		if err == nil {
			if attempt > 1 {
				log.Info("redis answers", "addr", where)
			}
			return nil
		}
		if ctx.Err() != nil {
			return errors.Join(fmt.Errorf("redis at %s did not answer", where), err)
		}
		log.Warn("waiting for redis", "addr", where, "attempt", attempt, "retry_in", wait.String(), "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
		wait = min(wait*2, 10*time.Second)
	}
}

// LogRedisTo sends go-redis's own messages (such as failed dials of its
// connection pool), which it otherwise prints to stderr with the standard
// log package, to log as warnings: `run` logs JSON lines only. It is
// process-wide, as go-redis's logger is.
func LogRedisTo(log *slog.Logger) { redis.SetLogger(redisLogger{log}) }

type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
