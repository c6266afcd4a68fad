package convo_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/session"
)

// realRedis returns a client for REDIS_URL, or skips the test without it.
func realRedis(t *testing.T) *redis.Options {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("REDIS_URL not set: integration test needs a real Redis")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

func coreOn(t *testing.T, opts *redis.Options, key string) *convo.Core {
	t.Helper()
	content := testcore.Content(t, miniSource)
	o := *opts
	o.MaxRetries, o.DialTimeout, o.ReadTimeout, o.WriteTimeout = -1, 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	rdb := redis.NewClient(&o)
	t.Cleanup(func() { rdb.Close() })
	// Each replica keeps its recent records, as `selfcheck run` does: a
	// record one of them holds goes out of date as the other saves.
	store := session.NewStore(rdb, time.Hour).KeepRecent(session.DefaultRecent, session.DefaultRecentAge)
	return convo.NewCore(content, store, session.NewKeyer([]byte(key)), testcore.Quiet())
}

// TestTwoReplicasApplyEachTapOnce: two cores with their own Redis clients
// (as two bot processes) receive every tap of 10 chats, each tap delivered
// to both at once, as a webhook retry racing the first delivery would. 100
// goroutines in all. Every chat must see each tap applied exactly once.
func TestTwoReplicasApplyEachTapOnce(t *testing.T) {
	opts := realRedis(t)
	key := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	a, b := coreOn(t, opts, key), coreOn(t, opts, key)
	const chats, taps = 10, 5 // the mini flow ends after 5 answers of "1"
	ctx := context.Background()
	for c := range chats {
		a.Handle(ctx, convo.Request{ChatID: int64(c), UpdateID: int64(c * 100), Kind: convo.KindCommand, Command: "start", LangHint: "en"})
	}
	var mu sync.Mutex
	applied := map[int64]int{}
	var wg sync.WaitGroup
	for c := range chats {
		for tap := range taps {
			for _, core := range []*convo.Core{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp := core.Handle(ctx, convo.Request{ChatID: int64(c), UpdateID: int64(c*100 + tap + 1), Kind: convo.KindText, Text: "1"})
					if len(resp.Replies) > 0 {
						if strings.Contains(resp.Replies[0].Body, "Try again") {
							t.Errorf("chat %d: storage error under contention", c)
						}
						mu.Lock()
						applied[int64(c)]++
						mu.Unlock()
					}
				}()
			}
		}
	}
	wg.Wait()
	for c := range chats {
		if applied[int64(c)] != taps {
			t.Errorf("chat %d: %d taps applied, want exactly %d", c, applied[int64(c)], taps)
		}
		// Each chat is at its verdict: all five answers went in.
		resp := a.Handle(ctx, convo.Request{ChatID: int64(c), Kind: convo.KindText, Text: "hello"})
		if len(resp.Replies) != 1 || !strings.Contains(resp.Replies[0].Body, "Tap Start again") {
			t.Errorf("chat %d is not at its verdict: %+v", c, resp.Replies)
		}
	}
}

// TestRedisStopsMidConversation runs its own redis-server (append-only, so
// a restart keeps the data), stops it mid-conversation and starts it again.
func TestRedisStopsMidConversation(t *testing.T) {
	realRedis(t) // only where a real Redis is expected (CI)
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	port := freePort(t)
	dir := t.TempDir()
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--dir", dir,
			"--appendonly", "yes", "--appendfsync", "always", "--save", "")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, port, true)
		return cmd
	}
	srv := start()
	core := coreOn(t, &redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)}, "k")
	ctx := context.Background()
	say := func(text string) string {
		resp := core.Handle(ctx, convo.Request{ChatID: 1, Kind: convo.KindText, Text: text, LangHint: "en"})
		var parts []string
		for _, r := range resp.Replies {
			parts = append(parts, r.Text())
		}
		return strings.Join(parts, "\n")
	}
	say("hi")
	if got := say("1"); !strings.Contains(got, "Where did you find the offer?") {
		t.Fatalf("before the stop: %q", got)
	}
	_ = srv.Process.Kill()
	_ = srv.Wait()
	waitFor(t, port, false)
	if got := say("2"); got != "Try again in a minute." {
		t.Errorf("with Redis stopped: %q", got)
	}
	srv = start()
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	var got string
	for range 20 { // the client reconnects on its own
		if got = say("2"); !strings.Contains(got, "Try again") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(got, "Which country?") {
		t.Errorf("after Redis is back the conversation did not continue: %q", got)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitFor waits until the port accepts connections (up) or refuses them.
func waitFor(t *testing.T, port int, up bool) {
	t.Helper()
	for range 100 {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 100*time.Millisecond)
		if c != nil {
			c.Close()
		}
		if (err == nil) == up {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("redis on port %d: up=%v not reached", port, up)
}
