package main

import (
	"context"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
)

// TestTelegramStats: /stats is one line per campaign, newest first, with
// counts suppressed; /stats NAME is that campaign's detail; an unknown
// name says so.
func TestTelegramStats(t *testing.T) {
	url := statsRedis(t) // tiny: one person on 20 November; fair: eight on 21 November
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	env := testcore.New(t, testcore.Mini())
	report := telegramStats(rdb, env.Core, func(context.Context) error { return nil }, "Asia/Jakarta")
	ctx := context.Background()
	all, err := report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(all), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	if len(lines) != 5 || !strings.Contains(lines[0], "Asia/Jakarta") || !strings.HasPrefix(lines[2], "fair ") ||
		!strings.HasPrefix(lines[3], "tiny ") || lines[4] != "/stats NAME" {
		t.Fatalf("/stats:\n%s", all)
	}
	if f := strings.Fields(lines[2]); len(f) < 4 || f[1] != "11-21" || f[2] != "8" {
		t.Errorf("fair's line %q: want its last day and 8 started", lines[2])
	}
	if strings.ContainsAny(strings.Join(strings.Fields(lines[3])[2:], " "), "1234") {
		t.Errorf("tiny's line shows a count under 5: %q", lines[3])
	}
	one, err := report(ctx, "fair")
	if err != nil || !strings.HasPrefix(one, "fair\nDays: 2026-11-21 – 2026-11-21 (Asia/Jakarta)\nQuestions: mini v1\n") ||
		!strings.Contains(one, "Check an offer?") || strings.Contains(one, "tiny") {
		t.Errorf("/stats fair:\n%s", one)
	}
	if none, _ := report(ctx, "nope"); !strings.Contains(none, `No statistics for campaign "nope"`) {
		t.Errorf("/stats nope: %s", none)
	}
}

// TestEveryCoreCountsDaysInStatsTZ: the cores of run and web (made by
// setup) count statistics days in STATS_TZ.
func TestEveryCoreCountsDaysInStatsTZ(t *testing.T) {
	for _, cmd := range []string{"run", "web"} {
		t.Setenv("STATS_TZ", "Asia/Makassar")
		var cfg Config
		cfg.bind(flag.NewFlagSet(cmd, flag.ContinueOnError), cmd)
		if cfg.StatsTZ == nil || cfg.StatsTZ.String() != "Asia/Makassar" {
			t.Fatalf("%s: STATS_TZ read as %v", cmd, cfg.StatsTZ)
		}
		core, _, closeStore, code := setup(context.Background(), &cfg, testcore.Quiet(), io.Discard)
		if core == nil {
			t.Fatalf("%s: setup: %d", cmd, code)
		}
		if core.Days != cfg.StatsTZ {
			t.Errorf("%s: the core counts days in %v", cmd, core.Days)
		}
		closeStore()
	}
}
