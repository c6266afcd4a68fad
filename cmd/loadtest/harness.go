package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
)

// env is what one measured bot runs against: a fresh fake Bot API, a
// Redis client (on a fresh miniredis, or the scratch Redis), and the
// instruments around both.
type env struct {
	fake       *tgfake.Server
	rdb        *redis.Client
	probe      *redis.Client        // uncounted client for INFO; nil with miniredis
	mr         *miniredis.Miniredis // nil with a real Redis
	redis      *redisCounter
	api        *apiTap      // transport of the bot's Bot API client
	client     *http.Client // the bot's Bot API client
	hookClient *http.Client // the fake's client for webhook deliveries
	listen     string       // loopback address the bot must serve its webhook on
	token      string
	secret     string
	runID      string // makes keys and campaign names of this run unique
	chats      chatList
}

// hookURL is the public https URL a bot registers; the fake's webhook
// client sends it to e.listen instead.
func (e *env) hookURL(name string) string { return "https://" + name + ".loadtest.invalid/tg/hook" }

func newEnv(o options, fakeOpts ...tgfake.Option) (*env, error) {
	e := &env{token: "123456:LOADTEST", secret: "loadtest_" + randomHex(8), runID: randomHex(4)}
	var err error
	if e.listen, err = freeLoopbackAddr(); err != nil {
		return nil, err
	}
	e.hookClient = &http.Client{Timeout: 10 * time.Second, Transport: toLoopback{addr: e.listen, base: newTransport(100)}}
	e.fake = tgfake.New(append([]tgfake.Option{tgfake.WithToken(e.token), tgfake.WithWebhookClient(e.hookClient),
		tgfake.WithWebhookRetries(3, 50*time.Millisecond)}, fakeOpts...)...)
	if o.redisURL != "" {
		opts, err := redis.ParseURL(o.redisURL)
		if err != nil {
			e.fake.Close()
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		// The timeouts and retries session.Connect gives a production client.
		opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.MaxRetries = 2*time.Second, time.Second, time.Second, 1
		e.rdb, e.probe = redis.NewClient(opts), redis.NewClient(opts)
	} else {
		e.mr = miniredis.NewMiniRedis()
		if err := e.mr.Start(); err != nil {
			e.fake.Close()
			return nil, err
		}
		// As session.Connect builds it for the embedded store.
		e.rdb = redis.NewClient(&redis.Options{Addr: e.mr.Addr()})
	}
	e.redis = &redisCounter{}
	e.rdb.AddHook(e.redis)
	e.api = newAPITap(newTransport(o.idleConns))
	e.client = &http.Client{Timeout: 30 * time.Second, Transport: e.api}
	if err := e.rdb.Ping(context.Background()).Err(); err != nil {
		e.close()
		return nil, fmt.Errorf("redis does not answer: %w", err)
	}
	return e, nil
}

func (e *env) close() {
	e.fake.Close()
	_ = e.rdb.Close()
	if e.probe != nil {
		_ = e.probe.Close()
	}
	if e.mr != nil {
		e.mr.Close()
	}
}

// waitWebhook waits until the bot has registered its webhook, which it
// does after it listens: from then on updates reach it.
func (e *env) waitWebhook(ctx context.Context) error {
	for range 500 {
		if e.fake.Webhook().URL != "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return errors.New("the bot did not register its webhook within 5s")
}

// serverCommands is Redis's own count of commands executed, commands run
// inside Lua scripts included; with a shared Redis it includes other
// clients' commands too.
func (e *env) serverCommands(ctx context.Context) int64 {
	if e.mr != nil {
		return int64(e.mr.CommandCount())
	}
	n, _ := commandCalls(ctx, e.probe)
	return n
}

// cpu is the CPU time used so far by this process (bot, fake, and
// miniredis when embedded) and by a real Redis server.
func (e *env) cpu(ctx context.Context) (process, server time.Duration) {
	if e.probe != nil {
		server = redisCPU(ctx, e.probe)
	}
	return processCPU(), server
}

// toLoopback sends every request to one loopback address over plain HTTP:
// the fake posts updates to the bot's public https URL, which in this
// harness is a local listener. Nothing leaves the machine.
type toLoopback struct {
	addr string
	base *http.Transport
}

func (t toLoopback) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = "http", t.addr, t.addr
	return t.base.RoundTrip(r)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach base.
func (t toLoopback) CloseIdleConnections() { t.base.CloseIdleConnections() }

// newTransport is net/http's default transport with idle keep-alive
// connections per host raised: the default of 2 makes every call beyond
// two in parallel open (and close) a connection.
func newTransport(idlePerHost int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = max(idlePerHost, 100)
	t.MaxIdleConnsPerHost = idlePerHost
	return t
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// loadContent is the shipped content when it validates, else the test flow
// in flows/testdata/mini (the shipped questions are being written and may
// not validate yet); the name printed says which was measured.
func loadContent() (*convo.Content, string, error) {
	ct, ps := convo.LoadContent(convo.Embedded)
	if len(ps) == 0 {
		return ct, "shipped", nil
	}
	ct, ps = convo.LoadContent(convo.Source{
		Flows: os.DirFS("flows/testdata/mini"), FlowsDir: ".",
		Locales: os.DirFS("flows/testdata/mini-locales"), LocalesDir: ".",
	})
	if len(ps) > 0 {
		return nil, "", fmt.Errorf("the shipped content does not validate and flows/testdata/mini is not here (run from the module root): %v", ps)
	}
	return ct, "mini (the shipped content does not validate yet)", nil
}

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
