package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
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
	before := len(m.Keys())
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `name="d"`) || len(resp.Cookies()) != 1 {
		t.Fatalf("web page: status %d, cookies %v:\n%.400s", resp.StatusCode, resp.Cookies(), body)
	}
	if after := len(m.Keys()); after != before+1 {
		t.Errorf("keys in the bot's store: %d -> %d, want one more (the visitor's session)", before, after)
	}
	converse(t, e) // the bot still answers
	e.stop(t, e.cancel)
}
