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
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
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

// TestSmallCountsAreHiddenInEveryFormat: a campaign of one person and one
// of three people who answered differently (a verdict, the emergency door,
// a check left half-way) give the same report, apart from the campaign
// name, in every format and in the chart: every row of the flow is listed
// whatever was answered, and 0 to 4 all read "<5".
func TestSmallCountsAreHiddenInEveryFormat(t *testing.T) {
	core, rec, rdb := setup(t)
	content := testcore.Content(t, testcore.Mini())
	layout := stats.NewLayout(content.Flow, content.Msgs)
	play(t, core, 1, 1, "camp-a", "1", "1", "2", "1")       // self, ad, near, fee: a verdict
	play(t, core, 10, 1, "camp-b", "2", "2", "1", "1", "2") // other, office, far, route, no fee
	play(t, core, 11, 1, "camp-b", "3", "1")                // emergency door, far: help screen
	play(t, core, 12, 1, "camp-b", "1", "3")                // self, unknown, then gone
	play(t, core, 20, 7, "big", "1", "2", "2", "2")
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	read := func(campaign string) *stats.Totals {
		ts, err := stats.Read(context.Background(), rdb, stats.Filter{Campaign: campaign})
		if err != nil || len(ts) != 1 {
			t.Fatalf("%s: %v %+v", campaign, err, ts)
		}
		return ts[0]
	}
	a, b, big := read("camp-a"), read("camp-b"), read("big")
	if a.Started != 1 || b.Started != 3 || b.Ends["sos_help"] != 1 || b.Reached["route"] != 1 || a.Answers["fee"]["yes"] != 1 {
		t.Fatalf("the campaigns are not what the test plays: %+v %+v", a, b)
	}
	for _, format := range []string{"table", "csv", "json"} {
		report := func(tot *stats.Totals) string {
			var buf bytes.Buffer
			if err := stats.Export(&buf, format, &stats.Report{Campaigns: []*stats.Totals{tot}}, layout); err != nil {
				t.Fatal(err)
			}
			return strings.ReplaceAll(buf.String(), tot.Campaign, "CAMPAIGN")
		}
		ra, rb := report(a), report(b)
		if ra != rb {
			t.Errorf("%s: a campaign of one and one of three differ:\n%s\n---\n%s", format, ra, rb)
		}
		for _, d := range "1234" {
			for _, shown := range []string{" " + string(d) + "\n", "," + string(d) + "\n", `"` + string(d) + `"`} {
				if strings.Contains(ra, shown) {
					t.Errorf("%s shows a count of %c:\n%s", format, d, ra)
				}
			}
		}
		if rbig := report(big); !strings.Contains(rbig, "7") || !strings.Contains(rbig, "<5") {
			t.Errorf("%s lacks <5 or the count 7:\n%s", format, rbig)
		}
	}
	var csvOut bytes.Buffer
	_ = stats.Export(&csvOut, "csv", &stats.Report{Campaigns: []*stats.Totals{a}}, layout)
	// Rows in words, with the codes as the last columns.
	for _, row := range []string{"Verdicts,Reached a verdict,Lower risk,<5,", "Emergency help,Help is here.,Ended at this help screen,<5,",
		"Question asked after some answers only,Is the route indirect?,No,<5,", "Emergency help,Which country are you in?,Elsewhere,<5,",
		"Checks,Counts from an older version of the questions,,<5,"} {
		if !strings.Contains(csvOut.String(), "camp-a,"+row) {
			t.Errorf("csv lacks the row %q:\n%s", row, csvOut.String())
		}
	}
	for _, codes := range []string{",mini v1,band,,lower\n", ",mini v1,end,sos_help,\n", ",mini v1,reached,route,\n",
		",mini v1,answer,route,no\n", ",mini v1,answer,sos_country,other\n", ",mini v1,not-in-flow,,\n"} {
		if !strings.Contains(csvOut.String(), codes) {
			t.Errorf("csv lacks a row ending %q:\n%s", codes, csvOut.String())
		}
	}
	// JSON: every count is a string, "<5" below 5.
	var jsonOut bytes.Buffer
	_ = stats.Export(&jsonOut, "json", &stats.Report{Campaigns: []*stats.Totals{a, big}}, layout)
	var report struct {
		Rows []map[string]any
	}
	if err := json.Unmarshal(jsonOut.Bytes(), &report); err != nil || len(report.Rows) == 0 {
		t.Fatalf("json: %v", err)
	}
	for _, r := range report.Rows {
		if c, ok := r["count"].(string); !ok || (c != stats.Suppressed && c < "5" && len(c) == 1) {
			t.Errorf("json count %#v", r)
		}
	}
	chart := func(tot *stats.Totals) []byte {
		var buf bytes.Buffer
		if err := stats.DrawChart(&buf, "Campaign", stats.Groups(tot, layout)); err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatalf("chart is not a PNG: %v", err)
		}
		return buf.Bytes()
	}
	if !bytes.Equal(chart(a), chart(b)) {
		t.Error("the charts of a campaign of one and one of three differ")
	}
	if bytes.Equal(chart(a), chart(big)) {
		t.Error("the chart of a campaign of 7 looks like one of 1")
	}
}

// TestChartHidesSmallCounts: a bar of 0, 1, 2, 3 or 4 is drawn the same
// (a fixed stub reading "<5"); from 5 on, bars show their count.
func TestChartHidesSmallCounts(t *testing.T) {
	draw := func(n int64) []byte {
		var buf bytes.Buffer
		g := []stats.Group{{Title: "Funnel", Bars: []stats.Bar{{Label: "Started", N: 20}, {Label: "Asked", N: n}}}}
		if err := stats.DrawChart(&buf, "Campaign", g); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	zero := draw(0)
	for n := int64(1); n < stats.MinShown; n++ {
		if !bytes.Equal(draw(n), zero) {
			t.Errorf("a bar of %d is drawn differently from a bar of 0", n)
		}
	}
	if bytes.Equal(draw(stats.MinShown), zero) || bytes.Equal(draw(6), draw(stats.MinShown)) {
		t.Error("bars of 5 or more do not show their count")
	}
}

// TestChartGroups: the funnel runs started, the questions everyone is
// asked in the flow's order, reached a verdict (the bands' sum); the
// question asked only when the country is far, the bands and the
// emergency help each stand apart; labels are the questions' text.
func TestChartGroups(t *testing.T) {
	content := testcore.Content(t, testcore.Mini())
	layout := stats.NewLayout(content.Flow, content.Msgs)
	tot := &stats.Totals{Started: 30, Completed: 26,
		Bands:   map[string]int64{"lower": 10, "high": 8},
		Ends:    map[string]int64{"sos_help": 8},
		Reached: map[string]int64{"welcome": 30, "source": 21, "dest": 20, "route": 6, "fee": 19, "sos_country": 9}}
	gs := stats.Groups(tot, layout)
	var got []string
	for _, g := range gs {
		got = append(got, "# "+g.Title)
		for _, b := range g.Bars {
			if b.Hidden {
				got = append(got, b.Label+" hidden")
				continue
			}
			got = append(got, fmt.Sprintf("%s %d", b.Label, b.N))
		}
	}
	// Medium risk is 0, and the verdicts' sum (18) beside lower risk (10)
	// and higher risk (8) would say so: higher risk is hidden too.
	want := []string{
		"# How far people got", "Started the check 30", "Check an offer? 30", "Where did you find the offer? 21",
		"Which country? 20", "Do you pay a fee? 19", "Reached a verdict 18",
		"# Asked only when earlier answers make them apply", "Is the route indirect? 6",
		"# Verdicts", "Lower risk 10", "Medium risk 0", "Higher risk hidden",
		"# Emergency help (apart from the check)", "Which country are you in? 9", "Help is here. 8",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("chart groups:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestShippedLabels: every bar of the shipped flow has a label for people
// (the question's English text, not its id) of at most LabelMax characters.
func TestShippedLabels(t *testing.T) {
	content := testcore.Content(t, convo.Embedded)
	layout := stats.NewLayout(content.Flow, content.Msgs)
	seen := map[string]string{}
	for _, g := range stats.Groups(&stats.Totals{}, layout) {
		for _, b := range g.Bars {
			if n := len([]rune(b.Label)); n == 0 || n > stats.LabelMax || content.Flow.Steps[b.Label] != nil ||
				strings.ContainsAny(b.Label, "_\n") {
				t.Errorf("label %q", b.Label)
			}
			if other, dup := seen[b.Label]; dup {
				t.Errorf("two bars labelled %q (groups %q and %q)", b.Label, other, g.Title)
			}
			seen[b.Label] = g.Title
		}
	}
	if l := stats.QuestionLabel("Almost done. How old are you?"); l != "How old are you?" {
		t.Errorf("label %q", l)
	}
	if l := stats.QuestionLabel("Has the country changed since the first offer? Or were you told: x?"); l != "Has the country changed since the first offer?" {
		t.Errorf("label %q", l)
	}
	if l := stats.QuestionLabel("Has the country or the city changed since the very first offer you got?"); l != "Has the country or the city changed since the very…" {
		t.Errorf("label %q", l)
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

// TestOnlySignedCampaignsCount: with the organisers' key, a campaign
// counts under its name only when its link was made with that key; a
// typed name (a person's name and phone number, say) counts under
// "other", and no statistics key holds it.
func TestOnlySignedCampaignsCount(t *testing.T) {
	env := testcore.New(t, testcore.Mini())
	keys := campaign.NewKeys("0123456789abcdef0123456789abcdef")
	rec := stats.NewRecorder(env.Client, testcore.Quiet(), stats.SignedCampaigns(keys))
	env.Core.Observe(rec)
	fair, err := keys.Payload("fair", "en")
	if err != nil {
		t.Fatal(err)
	}
	play(t, env.Core, 100, 2, fair, "1")
	play(t, env.Core, 200, 1, "siti_rahayu_081234567890", "1")
	play(t, env.Core, 300, 1, "school", "1")
	play(t, env.Core, 400, 1, "fair-"+strings.Repeat("a", campaign.SigLen), "1")
	play(t, env.Core, 500, 1, "group", "1")
	play(t, env.Core, 600, 1, "", "1")
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts, err := stats.Read(context.Background(), env.Client, stats.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, tot := range ts {
		got[tot.Campaign] = tot.Started
	}
	want := map[string]int64{"fair": 2, stats.Other: 3, campaign.Group: 1, stats.Direct: 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("started per campaign %v, want %v", got, want)
	}
	for _, k := range env.Redis.Keys() {
		if strings.Contains(k, "siti") || strings.Contains(k, "0812") || strings.Contains(k, "school") {
			t.Errorf("a statistics key holds a typed name: %s", k)
		}
	}
}

// TestNamesLikePhoneNumbersAreNotCampaigns: even without the organisers'
// key (tests and tools), a name with a phone or ID number counts under
// "other".
func TestNamesLikePhoneNumbersAreNotCampaigns(t *testing.T) {
	env := testcore.New(t, testcore.Mini())
	rec := stats.NewRecorder(env.Client, testcore.Quiet())
	env.Core.Observe(rec)
	play(t, env.Core, 100, 1, "siti_rahayu_081234567890", "1")
	play(t, env.Core, 200, 1, "nik_3201234567890001", "1")
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, k := range env.Redis.Keys() {
		if strings.Contains(k, "0812") || strings.Contains(k, "3201") {
			t.Errorf("a statistics key holds a phone or ID number: %s", k)
		}
	}
}

// TestStatisticsExpire: each day's counts expire Retention after the day;
// counts kept by an older version without an expiry get one (and go at
// once when older than that), and leave the index.
func TestStatisticsExpire(t *testing.T) {
	env := testcore.New(t, testcore.Mini())
	ctx := context.Background()
	rec := stats.NewRecorder(env.Client, testcore.Quiet())
	today := time.Now().UTC().Format(time.DateOnly)
	rec.Observe(ctx, convo.Outcome{Campaign: "fair", Day: today, Started: true})
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	day, _ := time.Parse(time.DateOnly, today)
	want := time.Until(day.Add(stats.Retention))
	if ttl := env.Redis.TTL(stats.Key("fair", today)); ttl < want-time.Minute || ttl > want+time.Minute {
		t.Errorf("a day's counts expire in %v, want about %v", ttl, want)
	}
	old := time.Now().Add(-stats.Retention - 48*time.Hour).UTC().Format(time.DateOnly)
	recent := time.Now().Add(-30 * 24 * time.Hour).UTC().Format(time.DateOnly)
	for _, d := range []string{old, recent} {
		env.Redis.HSet(stats.Key("legacy", d), stats.FieldStarted, "7")
		env.Redis.SAdd("{st}:index", stats.Key("legacy", d))
	}
	if err := rec.Expire(ctx); err != nil {
		t.Fatal(err)
	}
	if env.Redis.Exists(stats.Key("legacy", old)) {
		t.Error("counts older than the retention were kept")
	}
	if ttl := env.Redis.TTL(stats.Key("legacy", recent)); ttl <= 0 {
		t.Errorf("an older version's counts got no expiry: %v", ttl)
	}
	if members, _ := env.Redis.Members("{st}:index"); strings.Contains(strings.Join(members, " "), old) {
		t.Errorf("the index still names an expired key: %v", members)
	}
	ts, _ := stats.Read(ctx, env.Client, stats.Filter{Campaign: "legacy"})
	if len(ts) != 1 || ts[0].Started != 7 {
		t.Errorf("legacy counts within the retention: %+v", ts)
	}
}

// TestCapHoldsAcrossDays: outcomes of checks started on two days, in
// turns (a check started yesterday ends today), cannot push the daily cap
// of campaigns past MaxCampaignsPerDay.
func TestCapHoldsAcrossDays(t *testing.T) {
	env := testcore.New(t, testcore.Mini())
	rec := stats.NewRecorder(env.Client, testcore.Quiet())
	days := []string{"2026-11-24", "2026-11-25"}
	for i := range 2 * (stats.MaxCampaignsPerDay + 50) {
		rec.Observe(context.Background(), convo.Outcome{Campaign: fmt.Sprintf("c%d", i), Day: days[i%2], Started: true})
	}
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		ts, err := stats.Read(context.Background(), env.Client, stats.Filter{From: d, To: d})
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) > stats.MaxCampaignsPerDay+1 {
			t.Errorf("%s: %d campaigns counted, want at most %d and %q", d, len(ts), stats.MaxCampaignsPerDay, stats.Other)
		}
	}
}
