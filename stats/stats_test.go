package stats_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testcore"
	"github.com/selfcheck-id/selfcheck/stats"
)

// play runs scripted checks through a real core: n users of a campaign
// each typing the same answers.
func play(t *testing.T, core *convo.Core, firstChat int64, n int, payload string, answers ...string) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		chat := firstChat + int64(i)
		core.Handle(ctx, convo.Request{ChatID: chat, Kind: convo.KindCommand, Command: "start", Text: payload, LangHint: "en"})
		for _, a := range answers {
			core.Handle(ctx, convo.Request{ChatID: chat, Kind: convo.KindText, Text: a})
		}
	}
}

func setup(t *testing.T) (*convo.Core, *stats.Recorder, redis.UniversalClient) {
	t.Helper()
	env := testcore.New(t, testcore.Mini())
	rec := stats.NewRecorder(env.Client, testcore.Quiet())
	env.Core.Observe(rec)
	return env.Core, rec, env.Client
}

func TestCountersAfterScriptedConversations(t *testing.T) {
	core, rec, rdb := setup(t)
	// Campaign "fair": 6 users finish with fees (high), 2 stop at the fee question.
	play(t, core, 100, 6, "fair-en", "1", "1", "2", "1")
	play(t, core, 200, 2, "fair", "1", "2", "2")
	// Campaign "school": 3 users take the emergency door.
	play(t, core, 300, 3, "school", "3", "1")
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts, err := stats.Read(context.Background(), rdb, stats.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Campaign != "fair" || ts[1].Campaign != "school" {
		t.Fatalf("campaigns: %+v", ts)
	}
	fair, school := ts[0], ts[1]
	checks := []struct {
		name      string
		got, want int64
	}{
		{"fair started", fair.Started, 8},
		{"fair completed", fair.Completed, 6},
		{"fair high", fair.Bands["high"], 6},
		{"fair reached fee", fair.Reached["fee"], 8},
		{"fair abandoned at fee", fair.Abandoned("fee"), 2},
		{"fair answer source=ad", fair.Answers["source"]["ad"], 6},
		{"fair answer source=office", fair.Answers["source"]["office"], 2},
		{"school completed", school.Completed, 3},
		{"school help end", school.Ends["sos_help"], 3},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	// Nothing in Redis holds a chat id.
	keys, _ := rdb.Keys(context.Background(), "*").Result()
	for _, k := range keys {
		if strings.Contains(k, "100") || strings.Contains(k, "300") {
			t.Errorf("key %q may hold a chat id", k)
		}
	}
}

func TestSmallCountsAreHiddenInEveryFormat(t *testing.T) {
	core, rec, rdb := setup(t)
	play(t, core, 1, 3, "tiny", "1", "1", "2", "1")
	play(t, core, 10, 7, "big", "1", "2", "2", "2")
	_ = rec.Flush(context.Background())
	ts, _ := stats.Read(context.Background(), rdb, stats.Filter{})
	steps := []string{"welcome", "source", "dest", "route", "fee"}
	for _, format := range []string{"table", "csv", "json"} {
		var buf bytes.Buffer
		if err := stats.Write(&buf, format, ts, steps); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.Contains(out, " 3\n") || strings.Contains(out, ",3\n") || strings.Contains(out, `"3"`) {
			t.Errorf("%s shows a count of 3:\n%s", format, out)
		}
		if !strings.Contains(out, "<5") || !strings.Contains(out, "7") {
			t.Errorf("%s lacks <5 or the count 7:\n%s", format, out)
		}
	}
	var buf bytes.Buffer
	_ = stats.Write(&buf, "json", ts, steps)
	var rows []map[string]string
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("json: %v", err)
	}
	var png1 bytes.Buffer
	if err := stats.Chart(&png1, "big", stats.Funnel(ts[0], steps), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&png1); err != nil {
		t.Errorf("chart is not a PNG: %v", err)
	}
}

func TestFlushFailureKeepsCounts(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1})
	defer rdb.Close()
	rec := stats.NewRecorder(rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec.Observe(context.Background(), convo.Outcome{Campaign: "c", Day: "2026-11-23", Started: true})
	// Redis down, then back (with its data). miniredis's SetError would
	// fail MULTI itself, which leaves go-redis's connection out of step:
	// a fault a real Redis does not make.
	m.Close()
	if err := rec.Flush(context.Background()); err == nil {
		t.Fatal("flush with Redis down: no error")
	}
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts, _ := stats.Read(context.Background(), rdb, stats.Filter{Campaign: "c"})
	if len(ts) != 1 || ts[0].Started != 1 {
		t.Errorf("after a failed then a good flush: %+v", ts)
	}
}

// TestMadeUpCampaignsAreCapped: /start with endless made-up campaign names
// must not add endless keys to Redis.
func TestMadeUpCampaignsAreCapped(t *testing.T) {
	env := testcore.New(t, testcore.Mini())
	rec := stats.NewRecorder(env.Client, testcore.Quiet())
	for i := range stats.MaxCampaignsPerDay + 50 {
		rec.Observe(context.Background(), convo.Outcome{Campaign: fmt.Sprintf("c%d", i), Day: "2026-11-25", Started: true})
	}
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts, err := stats.Read(context.Background(), env.Client, stats.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != stats.MaxCampaignsPerDay+1 {
		t.Errorf("%d campaigns stored, want %d and %q", len(ts), stats.MaxCampaignsPerDay, stats.Other)
	}
	for _, tot := range ts {
		if tot.Campaign == stats.Other && tot.Started != 50 {
			t.Errorf("%q holds %d starts, want 50", stats.Other, tot.Started)
		}
	}
}
