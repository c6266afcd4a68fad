package convo_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
)

// faultHook makes the client fail the commands refuse returns an error
// for, before they reach Redis, as a Redis at maxmemory or a client in a
// pool-timeout storm does.
type faultHook struct{ refuse func(name string) error }

func (h faultHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h faultHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if err := h.refuse(cmd.Name()); err != nil {
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}

func (h faultHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestReadyNeedsWrites: a Redis at maxmemory answers PING and reads, and
// refuses every write. Sessions cannot be saved, so the bot is not ready.
func TestReadyNeedsWrites(t *testing.T) {
	env := testcore.New(t, miniSource)
	ctx := context.Background()
	if err := env.Core.Ready(ctx); err != nil {
		t.Fatalf("ready with Redis up: %v", err)
	}
	oom := errors.New("OOM command not allowed when used memory > 'maxmemory'.")
	env.Client.AddHook(faultHook{func(name string) error {
		switch name {
		case "set", "hset", "eval", "evalsha", "del", "script":
			return oom
		}
		return nil
	}})
	h := &harness{t: t, core: env.Core, m: env.Redis, chat: 77}
	if got := text(h.cmd("start")); got != "Try again in a minute." {
		t.Errorf("/start with every write refused: %q", got)
	}
	err := env.Core.Ready(ctx)
	if err == nil || !strings.Contains(err.Error(), "OOM") {
		t.Errorf("ready while every write fails: %v", err)
	}
}

// TestReadyFailsInAPoolTimeoutStorm: when most session reads and writes
// time out waiting for a connection, the bot is not ready even if a PING
// and the test write get through; once they succeed again, it is.
func TestReadyFailsInAPoolTimeoutStorm(t *testing.T) {
	env := testcore.New(t, miniSource)
	ctx := context.Background()
	var storm atomic.Bool
	env.Client.AddHook(faultHook{func(name string) error {
		switch name {
		case "hmget", "eval", "evalsha", "del":
			if storm.Load() {
				return redis.ErrPoolTimeout
			}
		}
		return nil
	}})
	h := &harness{t: t, core: env.Core, m: env.Redis, chat: 77}
	storm.Store(true)
	for range 5 {
		h.cmd("start")
	}
	if err := env.Core.Ready(ctx); err == nil || !strings.Contains(err.Error(), "pool timeout") {
		t.Errorf("ready in a pool-timeout storm: %v", err)
	}
	storm.Store(false)
	for range 6 {
		h.cmd("start")
	}
	if err := env.Core.Ready(ctx); err != nil {
		t.Errorf("not ready once sessions are saved again: %v", err)
	}
}
