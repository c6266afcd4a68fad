package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	tg "github.com/go-telegram/bot"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/stats"
)

// campaignFlags are the flags link and qr share.
type campaignFlags struct {
	name, lang, bot, token, apiURL string
}

func (c *campaignFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.name, "campaign", "", "campaign name: A-Z a-z 0-9 _ - (required)")
	fs.StringVar(&c.lang, "lang", "", "open the bot in this language: id or en (default: the user's)")
	fs.StringVar(&c.bot, "bot-username", env("BOT_USERNAME", ""), "the bot's username (env BOT_USERNAME); asked of Telegram with TELEGRAM_BOT_TOKEN when empty")
	fs.StringVar(&c.token, "token", env("TELEGRAM_BOT_TOKEN", ""), "bot token, only to look up the username (env TELEGRAM_BOT_TOKEN)")
	fs.StringVar(&c.apiURL, "api-url", env("TELEGRAM_API_URL", "https://api.telegram.org"), "Bot API server (env TELEGRAM_API_URL)")
}

// link returns the campaign's deep link.
func (c *campaignFlags) link(ctx context.Context) (string, error) {
	if c.name == "" {
		return "", fmt.Errorf("--campaign is required")
	}
	payload, err := campaign.Payload(c.name, c.lang)
	if err != nil {
		return "", err
	}
	if c.bot == "" {
		if c.token == "" {
			return "", fmt.Errorf("set BOT_USERNAME (or --bot-username), or TELEGRAM_BOT_TOKEN to ask Telegram for it")
		}
		api, err := tg.New(c.token, tg.WithServerURL(c.apiURL), tg.WithSkipGetMe())
		if err != nil {
			return "", err
		}
		me, err := api.GetMe(ctx)
		if err != nil {
			return "", fmt.Errorf("getMe: %w", redactToken(err, c.token))
		}
		c.bot = me.Username
	}
	return campaign.Link(c.bot, payload), nil
}

func redactToken(err error, token string) error {
	return errors.New(strings.ReplaceAll(err.Error(), token, "<token>"))
}

func cmdLink(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("link", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c campaignFlags
	c.bind(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	link, err := c.link(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "link:", err)
		return 2
	}
	fmt.Fprintln(stdout, link)
	return 0
}

func cmdQR(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("qr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c campaignFlags
	c.bind(fs)
	out := fs.String("o", "", "the PNG file to write (required)")
	size := fs.Int("size", 600, "size of the code in pixels")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "qr: -o FILE.png is required")
		return 2
	}
	link, err := c.link(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "qr:", err)
		return 2
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(stderr, "qr:", err)
		return 1
	}
	if err := campaign.QR(f, link, *size); err != nil {
		f.Close()
		fmt.Fprintln(stderr, "qr:", err)
		return 1
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(stderr, "qr:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: QR code of %s\n", *out, link)
	return 0
}

func cmdStats(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bind(fs)
	var f stats.Filter
	fs.StringVar(&f.Campaign, "campaign", "", "only this campaign (\"direct\" for users without a campaign link)")
	fs.StringVar(&f.From, "from", "", "first day, YYYY-MM-DD")
	fs.StringVar(&f.To, "to", "", "last day, YYYY-MM-DD")
	format := fs.String("format", "table", "table, csv or json")
	chart := fs.String("chart", "", "also draw a funnel chart of each campaign to this PNG file (NAME.png; one file per campaign when several)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.embeddedStore() {
		fmt.Fprintln(stderr, "stats: set REDIS_URL (or REDIS_ADDRS) to the Redis the bot uses")
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
	steps := stepOrder(&cfg)
	if err := stats.Write(stdout, *format, ts, steps); err != nil {
		fmt.Fprintln(stderr, "stats:", err)
		return 2
	}
	if *chart != "" {
		if err := writeCharts(*chart, ts, steps); err != nil {
			fmt.Fprintln(stderr, "stats:", err)
			return 1
		}
	}
	return 0
}

// stepOrder is the served flow's question order, for reports.
func stepOrder(cfg *Config) []string {
	src := cfg.source()
	set, _ := flows.Load(src.Flows, src.FlowsDir)
	for _, id := range set.IDs() {
		if cfg.FlowID == "" || id == cfg.FlowID {
			return set.Flows[id].StepOrder
		}
	}
	return nil
}

func writeCharts(file string, ts []*stats.Totals, steps []string) error {
	for _, t := range ts {
		name := file
		if len(ts) > 1 {
			name = fmt.Sprintf("%s-%s.png", strings.TrimSuffix(file, ".png"), t.Campaign)
		}
		out, err := os.Create(name)
		if err != nil {
			return err
		}
		var bands []stats.Bar
		for _, b := range []string{"lower", "medium", "high"} {
			bands = append(bands, stats.Bar{Label: b, N: t.Bands[b]})
		}
		err = stats.Chart(out, "Campaign "+t.Campaign, stats.Funnel(t, steps), bands)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
