package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testcore"
	"github.com/selfcheck-id/selfcheck/stats"
)

// statsRedis is a miniredis holding the counts of two campaigns: one
// person in "tiny" who got a verdict, and eight in "fair".
func statsRedis(t *testing.T) string {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	rec := stats.NewRecorder(rdb, testcore.Quiet())
	ctx := context.Background()
	rec.Observe(ctx, convo.Outcome{Campaign: "tiny", Day: "2026-11-20", Started: true, Asked: []string{"welcome", "source"},
		Answers: []flows.Answer{{Step: "welcome", Choice: "self"}, {Step: "source", Choice: "ad"}}, Band: "high"})
	for range 8 {
		rec.Observe(ctx, convo.Outcome{Campaign: "fair", Day: "2026-11-21", Started: true, Asked: []string{"welcome"},
			Answers: []flows.Answer{{Step: "welcome", Choice: "other"}}})
	}
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return "redis://" + m.Addr()
}

var miniFlags = []string{"--flows", "../../flows/testdata/mini", "--locales", "../../flows/testdata/mini-locales"}

func runStats(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cmdStats(context.Background(), append(append([]string{}, miniFlags...), args...), nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestStatsListsEveryRowOfTheServedFlow: the rows come from the flow given
// by --flows and --locales: every question, choice, band and end, zeros
// included, so that "tiny" (one person) shows nothing of what they answered.
func TestStatsListsEveryRowOfTheServedFlow(t *testing.T) {
	url := statsRedis(t)
	code, out, errOut := runStats(t, "--redis-url", url, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, row := range []string{
		"tiny,started,,,<5", "tiny,band,,lower,<5", "tiny,band,,high,<5", "tiny,end,sos_help,,<5",
		"tiny,answer,source,ad,<5", "tiny,answer,source,office,<5", "tiny,answer,route,no,<5",
		"tiny,answer,sos_country,other,<5", "fair,started,,,8", "fair,answer,welcome,other,8", "fair,answer,fee,unknown,<5",
	} {
		if !strings.Contains(out, row+"\n") {
			t.Errorf("no row %q in:\n%s", row, out)
		}
	}
	var tiny, fair []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		name, rest, _ := strings.Cut(l, ",")
		if name == "tiny" {
			tiny = append(tiny, rest)
		} else {
			fair = append(fair, rest)
		}
	}
	if len(tiny) != len(fair) {
		t.Errorf("tiny has %d rows, fair %d: every campaign lists the same rows", len(tiny), len(fair))
	}

	code, out, errOut = runStats(t, "--redis-url", url, "--campaign", "tiny", "--format", "json")
	if code != 0 || !strings.Contains(out, `"count": "<5"`) || strings.Contains(out, `"fair"`) {
		t.Errorf("json for tiny, exit %d %s:\n%s", code, errOut, out)
	}
}

func TestStatsCharts(t *testing.T) {
	url := statsRedis(t)
	file := filepath.Join(t.TempDir(), "chart.png")
	if code, _, errOut := runStats(t, "--redis-url", url, "--chart", file); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, c := range []string{"fair", "tiny"} {
		f, err := os.Open(strings.TrimSuffix(file, ".png") + "-" + c + ".png")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("%s: %v", c, err)
		}
		f.Close()
	}
}

// TestStatsRefusesBrokenFlows: a report of rows from flows that do not
// load would list the wrong rows; say so instead.
func TestStatsRefusesBrokenFlows(t *testing.T) {
	url := statsRedis(t)
	var out, errOut bytes.Buffer
	code := cmdStats(context.Background(), []string{"--redis-url", url, "--flows", t.TempDir()}, nil, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "validate") || out.Len() != 0 {
		t.Errorf("exit %d, stderr %q, stdout %q", code, errOut.String(), out.String())
	}
}
