package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/stats"
)

// cmdStats is `selfcheck stats`: every row of the served flow for
// every campaign, in words and codes, counts under 5 shown as "<5", and
// with --chart a chart per campaign.
func cmdStats(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "stats [flags]", "Anonymous campaign statistics from the bot's Redis (counts under 5 show as <5).")
	var cfg Config
	cfg.bind(fs, "stats")
	var f stats.Filter
	fs.StringVar(&f.Campaign, "campaign", "", "only this campaign (\"direct\" for users without a campaign link)")
	fs.StringVar(&f.From, "from", "", "first day, YYYY-MM-DD")
	fs.StringVar(&f.To, "to", "", "last day, YYYY-MM-DD")
	format := fs.String("format", "table", "table, csv or json")
	lang := fs.String("lang", "en", "language of the questions and answers: id or en")
	chart := fs.String("chart", "", "also draw a funnel chart of each campaign to this PNG file (NAME.png; one file per campaign when several)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if err := cfg.checkEnv(); err != nil {
		fmt.Fprintln(stderr, "stats:", err)
		return 2
	}
	if err := f.Check(); err != nil {
		fmt.Fprintln(stderr, "stats:", err)
		return 2
	}
	if *lang != "id" && *lang != "en" {
		fmt.Fprintf(stderr, "stats: --lang %q: use id or en\n", *lang)
		return 2
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		fmt.Fprintf(stderr, "stats: --format %q: use table, csv or json\n", *format)
		return 2
	}
	if *chart != "" {
		if _, err := outputFormat(*chart, "png"); err != nil {
			fmt.Fprintln(stderr, "stats: --chart:", err)
			return 2
		}
	}
	if cfg.embeddedStore() {
		fmt.Fprintln(stderr, "stats: set REDIS_URL (or REDIS_ADDRS) to the Redis the bot uses")
		return 2
	}
	// The rows come from the flow the bot serves (the same FLOWS_DIR,
	// LOCALES_DIR and FLOW_ID), zeros included.
	layout, err := servedLayout(&cfg, *lang)
	if err != nil {
		fmt.Fprintln(stderr, "stats:", err)
		return 2
	}
	log, err := newLogger(stderr, cfg.LogLevel, false)
	if err != nil {
		fmt.Fprintln(stderr, "stats:", err)
		return 2
	}
	rdb, closeRedis, err := connectRedis(ctx, &cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "stats:", err)
		return 1
	}
	defer closeRedis()
	ts, err := stats.Read(ctx, rdb, f)
	if err != nil {
		fmt.Fprintln(stderr, "stats:", err)
		return 1
	}
	if f.Campaign != "" && len(ts) == 0 {
		// Unknown, or no counts in the range: say which.
		all, err := stats.Read(ctx, rdb, stats.Filter{})
		if err != nil {
			fmt.Fprintln(stderr, "stats:", err)
			return 1
		}
		if t := stats.Find(all, f.Campaign); t == nil {
			fmt.Fprintf(stderr, "stats: no statistics for campaign %q (campaigns with statistics: %s)\n", f.Campaign, campaignNames(all))
			return 1
		} else {
			fmt.Fprintf(stderr, "stats: campaign %q has counts from %s to %s, none in the days asked\n", f.Campaign, t.First, t.Last)
			ts = []*stats.Totals{{Campaign: f.Campaign}}
		}
	}
	if len(ts) == 0 && f.Campaign == "" {
		fmt.Fprintln(stderr, "stats: no statistics in these days yet: they appear a few seconds after someone starts the check (the bot saves them every 5 seconds)")
	}
	stats.NewestFirst(ts)
	if err := stats.Export(stdout, *format, &stats.Report{From: f.From, To: f.To, Zone: cfg.StatsTZ.String(), Campaigns: ts}, layout); err != nil {
		fmt.Fprintln(stderr, "stats:", err)
		return 1
	}
	if *chart != "" {
		if err := writeStatsCharts(*chart, ts, layout); err != nil {
			fmt.Fprintln(stderr, "stats:", err)
			return 1
		}
	}
	return 0
}

// servedLayout is the report's rows: every question, choice, band and end
// of the served flow, in lang.
func servedLayout(cfg *Config, lang string) (*stats.Layout, error) {
	content, ps := convo.LoadContent(cfg.source())
	if len(ps) > 0 {
		ps.Sort()
		var b strings.Builder
		for _, p := range ps {
			b.WriteString("\n  " + p.String())
		}
		return nil, fmt.Errorf("the flows and messages do not load (run selfcheck validate):%s", b.String())
	}
	return stats.LayoutIn(content.Flow, content.Msgs, lang), nil
}

// writeStatsCharts draws each campaign's chart: to file, or with several
// campaigns to FILE-campaign.png each.
func writeStatsCharts(file string, ts []*stats.Totals, layout *stats.Layout) error {
	for _, t := range ts {
		name := file
		if len(ts) > 1 {
			name = fmt.Sprintf("%s-%s.png", strings.TrimSuffix(file, ".png"), t.Campaign)
		}
		out, err := os.Create(name)
		if err != nil {
			return err
		}
		err = stats.DrawChartIn(out, layout.Lang, t.Campaign, stats.Groups(t, layout))
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
