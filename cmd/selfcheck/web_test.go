package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/stats"
)

// TestWebRefusesBadSettings: settings that cannot work stop web at once
// with status 2 and say why.
func TestWebRefusesBadSettings(t *testing.T) {
	t.Setenv("CAMPAIGN_KEY", "")
	t.Setenv("REDIS_URL", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "en"}, "--lang needs --campaign"},
		{[]string{"--campaign", "booth1"}, "CAMPAIGN_KEY"},
		{[]string{"--campaign", "booth1", "--campaign-key", "9f2c4e7a1b8d3f6e0a5c9b2d7e4f1a8c", "--lang", "fr"}, "fr"},
		{[]string{"--campaign", "081234567890", "--campaign-key", "9f2c4e7a1b8d3f6e0a5c9b2d7e4f1a8c"}, "--campaign"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"web"}, tc.args...), strings.NewReader(""), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("web %v: status %d, stderr %q; want 2 and %q", tc.args, code, errb.String(), tc.want)
		}
	}
}

// TestRunServesWebPages: with WEB_LISTEN, run serves the web pages beside
// the bot, on the same store, and stops them cleanly.
func TestRunServesWebPages(t *testing.T) {
	m := miniredis.RunT(t)
	addr := freeAddr(t)
	e := startRun(t, runOpts{redisURL: "redis://" + m.Addr() + "/0", web: addr})
	// Sessions only: the readiness probe (sc:ready) and the statistics
	// come and go on their own schedule beside them.
	sessions := func() int {
		n := 0
		for _, k := range m.Keys() {
			if strings.HasSuffix(k, "}:s") {
				n++
			}
		}
		return n
	}
	before := sessions()
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `name="d"`) || len(resp.Cookies()) != 1 {
		t.Fatalf("web page: status %d, cookies %v:\n%.400s", resp.StatusCode, resp.Cookies(), body)
	}
	if after := sessions(); after != before+1 {
		t.Errorf("sessions in the bot's store: %d -> %d, want one more (the visitor's):\n%q", before, after, m.Keys())
	}
	converse(t, e) // the bot still answers
	e.stop(t, e.cancel)
}

// TestWebKioskCountsItsCampaign: `selfcheck web --kiosk --campaign` counts
// every visitor's check under the signed campaign (two browsers press start
// here, a third only looks); the counts are saved when web stops.
func TestWebKioskCountsItsCampaign(t *testing.T) {
	const key = "campaign-key-0123456789abcdefghij"
	m := miniredis.RunT(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"web", "--kiosk", "--campaign", "booth1", "--campaign-key", key,
			"--bot-username", "b_bot", "--redis-url", "redis://" + m.Addr() + "/0", "--session-key", key,
			"--listen", addr}, nil, io.Discard, &errOut)
	}()
	stopped := false
	defer func() {
		if !stopped {
			cancel()
			<-done
		}
	}()
	base := "http://" + addr
	var page string
	deadline := time.Now().Add(waitLong)
	for {
		resp, err := http.Get(base + "/")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			page = string(b)
			break
		}
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("web exited with %d: %s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("web did not come up: %s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(page, `id="start"`) {
		t.Fatalf("not a kiosk's start page:\n%.500s", page)
	}
	// Two visitors (two browsers) press start; a third only looks: two
	// checks are counted.
	for i := range 3 {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		resp, err := c.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if i == 2 {
			break
		}
		tok := regexp.MustCompile(`name="t" value="([^"]+)"`).FindStringSubmatch(string(b))
		if tok == nil {
			t.Fatalf("no form token:\n%s", b)
		}
		resp, err = c.PostForm(base+"/", url.Values{"t": {tok[1]}, "cmd": {"start"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `data-idle="90"`) {
			t.Fatalf("start: status %d:\n%.500s", resp.StatusCode, b)
		}
	}
	cancel()
	stopped = true
	if code := <-done; code != 0 {
		t.Fatalf("web exited with %d: %s", code, errOut.String())
	}
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ts, err := stats.Read(context.Background(), rdb, stats.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, tot := range ts {
		got[tot.Campaign] = tot.Started
	}
	if want := map[string]int64{"booth1": 2}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("started per campaign %v, want %v", got, want)
	}
}
