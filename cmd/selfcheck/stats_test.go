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
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
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
// included, so that "tiny" (one person) shows nothing of what they
// answered; in words (the questions' and answers' text) with the codes as
// the last columns.
func TestStatsListsEveryRowOfTheServedFlow(t *testing.T) {
	url := statsRedis(t)
	code, out, errOut := runStats(t, "--redis-url", url, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Each campaign's rows carry its own days: tiny's 20 November,
	// fair's 21 November.
	const days = "2026-11-20,2026-11-20,Asia/Jakarta,mini v1,"
	const fairDays = "2026-11-21,2026-11-21,Asia/Jakarta,mini v1,"
	for _, row := range []string{
		"tiny,Checks,Started the check,,<5," + days + "started,,",
		"tiny,Verdicts,Reached a verdict,Lower risk,<5," + days + "band,,lower",
		"tiny,Verdicts,Reached a verdict,Higher risk,<5," + days + "band,,high",
		"tiny,Emergency help,Help is here.,Ended at this help screen,<5," + days + "end,sos_help,",
		"tiny,Question,Where did you find the offer?,An ad,<5," + days + "answer,source,ad",
		"tiny,Question asked after some answers only,Is the route indirect?,No,<5," + days + "answer,route,no",
		"fair,Checks,Started the check,,8," + fairDays + "started,,",
		// All 8 chose it, so the others would read 0: it is hidden too.
		"fair,Question,Check an offer?,For someone else,hidden," + fairDays + "answer,welcome,other",
		"fair,Question,Do you pay a fee?,I don't know,<5," + fairDays + "answer,fee,unknown",
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
	if code != 0 || !strings.Contains(out, `"count": "<5"`) || strings.Contains(out, `"fair"`) ||
		!strings.Contains(out, `"version": 1`) || !strings.Contains(out, `"from": "2026-11-20"`) {
		t.Errorf("json for tiny, exit %d %s:\n%s", code, errOut, out)
	}

	// The table starts with the days, the flow's version and the rule,
	// and lists the newest campaign first.
	code, out, errOut = runStats(t, "--redis-url", url, "--lang", "id")
	if code != 0 || !strings.HasPrefix(out, "Hari: 2026-11-20 – 2026-11-21 (Asia/Jakarta)\nPertanyaan: mini v1\n<5 berarti") ||
		strings.Index(out, "fair ") > strings.Index(out, "tiny ") || !strings.Contains(out, "ID Where did you find the offer?") {
		t.Errorf("table in Indonesian, exit %d %s:\n%s", code, errOut, out)
	}
}

// TestStatsRefusesBadInput: a date that is no day, a range that ends
// before it starts, an unknown campaign and a chart file that is no PNG
// get a message and change nothing.
func TestStatsRefusesBadInput(t *testing.T) {
	url := statsRedis(t)
	chart := filepath.Join(t.TempDir(), "chart.jpg")
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--from", "2026-13-01"}, 2, "YYYY-MM-DD"},
		{[]string{"--from", "yesterday"}, 2, "YYYY-MM-DD"},
		{[]string{"--from", "2026-11-21", "--to", "2026-11-20"}, 2, "ends before it starts"},
		{[]string{"--campaign", "nope"}, 1, `no statistics for campaign "nope" (campaigns with statistics: fair, tiny)`},
		{[]string{"--chart", chart}, 2, "cannot write a .jpg file"},
		{[]string{"--lang", "fr"}, 2, "use id or en"},
		{[]string{"--format", "xls"}, 2, "use table, csv or json"},
	} {
		code, out, errOut := runStats(t, append([]string{"--redis-url", url}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.msg) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit %d and %q", tt.args, code, errOut, out, tt.code, tt.msg)
		}
	}
	if _, err := os.Stat(chart); err == nil {
		t.Error("a .jpg chart was written")
	}
	// A known campaign without counts in the days asked says so, and
	// reports its rows (all <5).
	code, out, errOut := runStats(t, "--redis-url", url, "--campaign", "fair", "--from", "2026-12-01", "--format", "csv")
	if code != 0 || !strings.Contains(errOut, "none in the days asked") || !strings.Contains(out, "fair,Checks,Started the check,,<5,2026-12-01,,") {
		t.Errorf("fair in December: exit %d, stderr %q:\n%s", code, errOut, out)
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
