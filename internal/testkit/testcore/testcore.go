// Package testcore builds what tests of the conversation need: content
// (the shipped one or the small fixture flow) and a Core on a fresh
// miniredis, so that each test says only what it is about.
package testcore

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
)

// root is the module's directory, found from this file, so that fixtures
// load the same from a test in any package.
var root = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}()

// Mini is the small fixture flow (flows/testdata/mini) with its messages:
// five questions, an emergency door, every feature of the format once.
func Mini() convo.Source {
	return convo.Source{
		Flows: os.DirFS(filepath.Join(root, "flows", "testdata", "mini")), FlowsDir: ".",
		Locales: os.DirFS(filepath.Join(root, "flows", "testdata", "mini-locales")), LocalesDir: ".",
	}
}

// Content loads src and fails the test if it does not validate.
func Content(t testing.TB, src convo.Source) *convo.Content {
	t.Helper()
	content, ps := convo.LoadContent(src)
	if len(ps) > 0 {
		t.Fatalf("content does not validate: %v", ps)
	}
	return content
}

// Quiet is a logger that drops everything.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Env is a Core with the Redis behind it.
type Env struct {
	Core   *convo.Core
	Redis  *miniredis.Miniredis
	Client *redis.Client
}

// New starts a miniredis for the test and a Core on it serving src, with
// sessions kept as long as the bot keeps them by default. The client does not retry, so a test that
// stops Redis sees the failure at once.
func New(t testing.TB, src convo.Source) *Env {
	t.Helper()
	content := Content(t, src)
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	core := convo.NewCore(content, session.NewStore(rdb, session.DefaultTTL).KeepRecent(session.DefaultRecent, session.DefaultRecentAge), session.NewKeyer([]byte("test")), Quiet())
	return &Env{Core: core, Redis: m, Client: rdb}
}
