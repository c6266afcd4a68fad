package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
)

// TestRunServesTheDashboard: with DASHBOARD_PASSWORD, run serves the
// dashboard beside /healthz on LISTEN_ADDR, behind the password, and it
// makes links with the bot's username; healthcheck reads /healthz.
func TestRunServesTheDashboard(t *testing.T) {
	m := miniredis.RunT(t)
	e := startRun(t, runOpts{redisURL: "redis://" + m.Addr() + "/0", campaignKey: testCampaignKey, dashboard: "pass-word-for-the-test"})
	c := e.fake.NewPrivateChat("en")
	c.SendText("/start")
	settled(t, c)
	get := func(path, pass string) (int, string) {
		req, _ := http.NewRequest("GET", e.base+path, nil)
		if pass != "" {
			req.SetBasicAuth("x", pass)
		}
		res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get("/dashboard/", ""); code != http.StatusUnauthorized {
		t.Errorf("/dashboard/ without the password: %d", code)
	}
	// The counts in hand are saved before the page reads them.
	if code, body := get("/dashboard/?lang=en", "pass-word-for-the-test"); code != 200 || !strings.Contains(body, ">direct<") {
		t.Errorf("/dashboard/: %d\n%s", code, body)
	}
	if code, body := get("/dashboard/new?name=fair&campaign_lang=id", "pass-word-for-the-test"); code != 200 ||
		!strings.Contains(body, "https://t.me/"+tgfake.DefaultBotUsername+"?start=fair-") {
		t.Errorf("/dashboard/new: %d\n%s", code, body)
	}
	if code, _ := e.get(t, "/healthz"); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	if code, out, errOut := runCmd(t, cmdHealthcheck, "--url", e.base+"/healthz"); code != 0 || out != "ok\n" {
		t.Errorf("healthcheck: %d %s %s", code, out, errOut)
	}
	if code, _, _ := runCmd(t, cmdHealthcheck, "--url", e.base+"/nothing-here"); code != 1 {
		t.Errorf("healthcheck of a 404: %d, want 1", code)
	}
	port := e.base[strings.LastIndexByte(e.base, ':')+1:]
	free := freeAddr(t) // nothing listens there
	for _, tt := range []struct {
		listen, dash string
		code         int
	}{{"127.0.0.1:" + port, free, 0}, {free, "127.0.0.1:" + port, 0}, {free, free, 1}} {
		t.Setenv("LISTEN_ADDR", tt.listen)
		t.Setenv("DASHBOARD_ADDR", tt.dash)
		if code, _, errOut := runCmd(t, cmdHealthcheck); code != tt.code {
			t.Errorf("healthcheck with LISTEN_ADDR %s, DASHBOARD_ADDR %s: %d %s, want %d", tt.listen, tt.dash, code, errOut, tt.code)
		}
	}
}

// TestDashboardCommandRefuses: without a password or a Redis, dashboard
// says what to set and does not start.
func TestDashboardCommandRefuses(t *testing.T) {
	t.Setenv("DASHBOARD_PASSWORD", "")
	t.Setenv("REDIS_URL", "")
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{nil, "set DASHBOARD_PASSWORD"},
		{[]string{"--dashboard-password", "short"}, "too short"},
		{[]string{"--dashboard-password", "long enough for a test"}, "set REDIS_URL"},
		{[]string{"--dashboard-password", "long enough for a test", "--redis-url", "redis://127.0.0.1:1", "--stats-tz", "Mars/Olympus"}, "STATS_TZ"},
	} {
		code, _, errOut := runCmd(t, cmdDashboard, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.args, code, errOut, tt.msg)
		}
	}
	_ = context.Background
}
