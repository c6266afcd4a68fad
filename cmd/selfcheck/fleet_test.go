package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
)

// TestRunSeveralBots: one process serves two bot tokens (webhook mode),
// each at its own path and on its own Bot API account, sharing flows and
// sessions; /go/PAYLOAD sends new people to the bots in turn while both
// are idle; SIGTERM-like cancel stops both cleanly.
func TestRunSeveralBots(t *testing.T) {
	listen := freeAddr(t)
	hook := &http.Client{Timeout: 5 * time.Second, Transport: toLoopback{listen}}
	type account struct {
		token, name string
		fake        *tgfake.Server
	}
	accounts := []*account{{token: "111:AAA", name: "event_one_bot"}, {token: "222:BBB", name: "event_two_bot"}}
	// One Bot API address, as in production; each token reaches its own
	// bot's account.
	proxies := map[string]*httputil.ReverseProxy{}
	for _, a := range accounts {
		a.fake = tgfake.New(tgfake.WithToken(a.token), tgfake.WithBotUsername(a.name), tgfake.WithWebhookClient(hook), tgfake.WithWebhookRetries(3, 50*time.Millisecond))
		t.Cleanup(a.fake.Close)
		u, _ := url.Parse(a.fake.URL())
		proxies["/bot"+a.token+"/"] = httputil.NewSingleHostReverseProxy(u)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for prefix, p := range proxies {
			if strings.HasPrefix(r.URL.Path, prefix) {
				p.ServeHTTP(w, r)
				return
			}
		}
		http.Error(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, http.StatusUnauthorized)
	}))
	t.Cleanup(api.Close)
	m := miniredis.RunT(t)
	args := []string{"run", "--token", "111:AAA,222:BBB", "--api-url", api.URL, "--bot-username", "event_one_bot,@event_two_bot",
		"--redis-url", "redis://" + m.Addr() + "/0", "--session-key", "fleet-test-key-0123456789abcdef0123",
		"--flows", "../../flows/testdata/mini", "--locales", "../../flows/testdata/mini-locales",
		"--listen", listen, "--rate-limits", "off",
		"--webhook-url", "https://bot.example.org/tg/hook", "--webhook-secret", "s3cret_TEST"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, strings.NewReader(""), io.Discard, stderr) }()
	e := &runEnv{base: "http://" + listen, stderr: stderr, cancel: cancel, done: done}

	deadline := time.Now().Add(waitLong)
	for accounts[0].fake.Webhook().URL == "" || accounts[1].fake.Webhook().URL == "" {
		if time.Now().After(deadline) {
			t.Fatalf("the webhooks were not both set:\n%s", stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, a := range accounts {
		if got, want := a.fake.Webhook().URL, "https://bot.example.org/tg/hook/"+a.name; got != want {
			t.Errorf("%s: webhook %q, want %q", a.name, got, want)
		}
		c := a.fake.NewPrivateChat("en")
		c.SendText("/start")
		if msgs, ok := c.WaitMessages(1, waitLong); !ok || !strings.Contains(msgs[0].Text, "Welcome") {
			t.Errorf("%s: no welcome: %+v", a.name, msgs)
		}
	}

	// The redirect: both idle, so they take turns.
	noFollow := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	seen := map[string]int{}
	for range 4 {
		resp, err := noFollow.Get(e.base + "/go/schoolA-id")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("/go/: %d", resp.StatusCode)
		}
		seen[resp.Header.Get("Location")]++
	}
	if seen["https://t.me/event_one_bot?start=schoolA-id"] != 2 || seen["https://t.me/event_two_bot?start=schoolA-id"] != 2 {
		t.Errorf("redirects %v: want the two bots in turn", seen)
	}
	e.stop(t, cancel)
	for _, a := range accounts {
		a.fake.AssertNoRejections(t)
	}
}

// TestLinkThroughPublicURL: with PUBLIC_URL, a campaign link goes through
// the bot's /go/ redirect (which spreads people over several bots); the
// payload is the signed one the redirect passes on. Without it, and with
// several usernames, the first bot's deep link.
func TestLinkThroughPublicURL(t *testing.T) {
	key := "campaign-key-0123456789abcdefghij"
	var out, errOut syncBuffer
	args := []string{"link", "--campaign", "fair", "--campaign-key", key, "--bot-username", "one_bot,two_bot", "--public-url", "https://bot.example.org/"}
	if code := run(context.Background(), args, nil, &out, &errOut); code != 0 {
		t.Fatalf("status %d: %s", code, errOut.String())
	}
	via := strings.TrimSpace(out.String())
	payload, ok := strings.CutPrefix(via, "https://bot.example.org/go/")
	if !ok || !strings.HasPrefix(payload, "fair") {
		t.Fatalf("link %q, want https://bot.example.org/go/PAYLOAD", via)
	}
	out, errOut = syncBuffer{}, syncBuffer{}
	if code := run(context.Background(), args[:len(args)-2], nil, &out, &errOut); code != 0 {
		t.Fatalf("status %d: %s", code, errOut.String())
	}
	if got := strings.TrimSpace(out.String()); got != "https://t.me/one_bot?start="+payload {
		t.Errorf("without PUBLIC_URL: %q, want the first bot's deep link with the same payload", got)
	}
	if code := run(context.Background(), append(args[:len(args)-2], "--public-url", "ftp://x"), nil, &out, &errOut); code != 2 {
		t.Errorf("a PUBLIC_URL that is not http(s): status %d", code)
	}
}
