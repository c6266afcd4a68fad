package session_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
	"github.com/selfcheck-id/selfcheck/stats"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
	// once is closed when the text first appears in what was written.
	wait  string
	once  chan struct{}
	fired bool
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	if s.once != nil && !s.fired && strings.Contains(s.b.String(), s.wait) {
		s.fired = true
		close(s.once)
	}
	return n, err
}

// when returns a channel closed once text has been written.
func (s *syncBuf) when(text string) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wait, s.once = text, make(chan struct{})
	return s.once
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestConnectWaitsForRedis: at start-up a Redis that does not answer yet
// (docker compose starts both at once) is waited for with backoff, and the
// log says what the bot waits for; once Redis is up, Connect returns a
// working client.
func TestConnectWaitsForRedis(t *testing.T) {
	addr := freeAddr(t)
	logs := &syncBuf{}
	waiting := logs.when("waiting for redis")
	log := slog.New(slog.NewTextHandler(logs, nil))
	type result struct {
		err  error
		done func()
	}
	res := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		rdb, done, err := session.Connect(ctx, session.RedisConfig{URL: "redis://" + addr + "/0"}, log)
		if err == nil {
			err = rdb.Set(ctx, "k", "v", 0).Err()
		}
		res <- result{err, done}
	}()
	select {
	case <-waiting:
	case <-time.After(20 * time.Second):
		t.Fatalf("Connect never said it waits for Redis:\n%s", logs)
	}
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr(addr); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	r := <-res
	if r.err != nil {
		t.Fatalf("Connect after Redis came up: %v\n%s", r.err, logs)
	}
	defer r.done()
	if v, _ := m.Get("k"); v != "v" {
		t.Error("the client does not reach the Redis that came up")
	}
	out := logs.String()
	if !strings.Contains(out, "addr="+addr) || !strings.Contains(out, "retry_in=") || !strings.Contains(out, "redis answers") {
		t.Errorf("the log does not say what it waits for and when it retries:\n%s", out)
	}
}

// TestConnectGivesUp: when the start-up deadline passes, Connect fails
// with an error naming the address, rather than hanging.
func TestConnectGivesUp(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	_, _, err := session.Connect(ctx, session.RedisConfig{URL: "redis://" + addr + "/0"}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("Connect to nothing: %v", err)
	}
}

// TestConnectCluster: several REDIS_ADDRS make a Cluster client (here
// against miniredis, which answers as a one-node cluster); sessions and the
// campaign statistics' transaction work through it.
func TestConnectCluster(t *testing.T) {
	m := miniredis.RunT(t)
	ctx := context.Background()
	rdb, done, err := session.Connect(ctx, session.RedisConfig{Addrs: []string{m.Addr(), m.Addr()}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if _, ok := rdb.(*redis.ClusterClient); !ok {
		t.Fatalf("two addresses gave a %T, want a Cluster client", rdb)
	}
	st := session.NewStore(rdb, time.Hour)
	if err := st.Preload(ctx); err != nil {
		t.Fatal(err)
	}
	c := session.NewKeyer([]byte("k")).Chat(1)
	rec, err := st.Load(ctx, c, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, c, rec, session.Session{Nonce: "x", Lang: "id"}, 10); err != nil {
		t.Fatal(err)
	}
	if rec, err := st.Load(ctx, c, 10); err != nil || !rec.Found || !rec.Seen || rec.Session.Lang != "id" {
		t.Fatalf("through the cluster client: %+v %v", rec, err)
	}
	r := stats.NewRecorder(rdb, slog.New(slog.DiscardHandler))
	r.Observe(ctx, convo.Outcome{Campaign: "fair", Day: "2026-12-01", Started: true})
	if err := r.Flush(ctx); err != nil {
		t.Fatalf("statistics flush (MULTI/EXEC) through the cluster client: %v", err)
	}
	if tot, err := stats.Read(ctx, rdb, stats.Filter{Campaign: "fair"}); err != nil || len(tot) != 1 || tot[0].Started != 1 {
		t.Errorf("statistics through the cluster client: %+v %v", tot, err)
	}
}
