package stats_test

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/stats"
)

var updateExample = flag.Bool("update-example", false, "rewrite docs/stats-example.png and .txt from a synthetic campaign")

// TestExampleCampaign plays 120 synthetic users through the shipped flow
// (random taps, some leaving half-way) in one campaign and reports it the
// way `selfcheck stats` does. With -update-example it writes the chart and
// table that the README shows to campaign organisers.
func TestExampleCampaign(t *testing.T) {
	env := testcore.New(t, convo.Embedded)
	content, core, rdb := testcore.Content(t, convo.Embedded), env.Core, env.Client
	rec := stats.NewRecorder(rdb, testcore.Quiet())
	core.Observe(rec)

	const users = 120
	rng := rand.New(rand.NewPCG(7, 7))
	ctx := context.Background()
	for chat := int64(1); chat <= users; chat++ {
		risk := []int{0, 0, 5, 10, 40}[rng.IntN(5)] // percent of answers raising a flag
		resp := core.Handle(ctx, convo.Request{ChatID: chat, Kind: convo.KindCommand, Command: "start", Text: "sma1-demo", LangHint: "id"})
		for !resp.Done && rng.IntN(100) >= 4 { // about 4% leave at each question
			data := randomAnswer(rng, content.Flow, resp, risk)
			if data == "" {
				t.Fatalf("user %d: no answer button on screen: %+v", chat, resp.Replies)
			}
			resp = core.Handle(ctx, convo.Request{ChatID: chat, Kind: convo.KindButton, Data: data})
		}
	}
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ts, err := stats.Read(ctx, rdb, stats.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Campaign != "sma1-demo" || ts[0].Started != users {
		t.Fatalf("want one campaign with %d checks started, got %+v", users, ts)
	}
	layout := stats.NewLayout(content.Flow, content.Msgs)
	var table bytes.Buffer
	if err := stats.Export(&table, "table", &stats.Report{Zone: "Asia/Jakarta", Campaigns: ts}, layout); err != nil {
		t.Fatal(err)
	}
	var chart bytes.Buffer
	if err := stats.DrawChart(&chart, "Campaign sma1-demo (synthetic data)", stats.Groups(ts[0], layout)); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(chart.Bytes())); err != nil {
		t.Fatalf("chart is not a PNG: %v", err)
	}
	if *updateExample {
		if err := os.WriteFile("../docs/stats-example.png", chart.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("../docs/stats-example.txt", table.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// randomAnswer picks one of the answer buttons on screen, as a crowd
// might: an answer raising a flag risk percent of the time, and the
// emergency door one time in ten.
func randomAnswer(rng *rand.Rand, f *flows.Flow, resp convo.Response, risk int) string {
	var clean, flagged []string
	for _, r := range resp.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				tok, ok := flows.ParseToken(b.Data)
				if !ok || tok.Kind != flows.TokAnswer {
					continue
				}
				c := f.Steps[tok.Step].Choice(tok.Choice)
				switch {
				case tok.Step == f.Start && c.Next == f.Emergency:
					if rng.IntN(10) == 0 {
						return b.Data
					}
				case len(c.Flags) == 0:
					clean = append(clean, b.Data)
				default:
					flagged = append(flagged, b.Data)
				}
			}
		}
	}
	if len(flagged) == 0 || (len(clean) > 0 && rng.IntN(100) >= risk) {
		flagged = clean
	}
	if len(flagged) == 0 {
		return ""
	}
	return flagged[rng.IntN(len(flagged))]
}
