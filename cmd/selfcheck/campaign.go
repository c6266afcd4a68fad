package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	tg "github.com/go-telegram/bot"

	"github.com/selfcheck-id/selfcheck/bot"
	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/locales"
)

// campaignFlags are the flags link and qr share, beside their settings.
type campaignFlags struct {
	cfg        Config
	name, lang string
}

func (c *campaignFlags) bind(fs *flag.FlagSet, cmd string) {
	fs.StringVar(&c.name, "campaign", "", "campaign name: 1-52 of A-Z a-z 0-9 _ -, not a phone or ID number (required)")
	fs.StringVar(&c.lang, "lang", "", "open the bot in this language: one of "+strings.Join(locales.Languages(), ", ")+" (default: the user's)")
	c.cfg.bind(fs, cmd)
}

// link returns the campaign's deep link.
func (c *campaignFlags) link(ctx context.Context) (string, error) {
	if err := c.cfg.checkEnv(); err != nil {
		return "", err
	}
	if c.name == "" {
		return "", fmt.Errorf("--campaign is required")
	}
	if c.cfg.CampaignKey == "" {
		return "", fmt.Errorf("set CAMPAIGN_KEY (or --campaign-key) to the bot's: only campaigns signed with it are counted")
	}
	if err := checkSecretKey("CAMPAIGN_KEY", c.cfg.CampaignKey); err != nil {
		return "", err
	}
	payload, err := campaign.NewKeys(c.cfg.CampaignKey).Payload(c.name, c.lang)
	if err != nil {
		return "", err
	}
	if c.cfg.PublicURL != "" {
		// Through the bot's own redirect, which picks the least busy of
		// several bots (package fleet).
		return c.cfg.PublicURL + "/go/" + payload, nil
	}
	if names := splitList(c.cfg.BotName); len(names) > 1 {
		c.cfg.BotName = names[0] // several bots and no PUBLIC_URL: the first
	}
	if c.cfg.BotName == "" {
		tokens := splitList(c.cfg.Token)
		if len(tokens) == 0 {
			return "", fmt.Errorf("set BOT_USERNAME (or --bot-username), or TELEGRAM_BOT_TOKEN to ask Telegram for it")
		}
		api, err := tg.New(tokens[0], tg.WithServerURL(c.cfg.APIURL), tg.WithSkipGetMe())
		if err != nil {
			return "", err
		}
		me, err := api.GetMe(ctx)
		if err != nil {
			return "", fmt.Errorf("getMe: %w", bot.Redact(err, c.cfg.Token))
		}
		c.cfg.BotName = me.Username
	}
	return campaign.Link(c.cfg.BotName, payload), nil
}

func cmdLink(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("link", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "link --campaign NAME [flags]", "Prints the campaign's deep link to the bot, signed with CAMPAIGN_KEY.")
	var c campaignFlags
	c.bind(fs, "link")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
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
	setUsage(fs, "qr --campaign NAME -o FILE.png|FILE.svg [flags]", "Writes a printable QR code of the campaign's deep link (PNG with the link under it, or SVG for designers), with a quiet zone of 4 modules.")
	var c campaignFlags
	c.bind(fs, "qr")
	out := fs.String("o", "", "the file to write: .png or .svg (required)")
	size := fs.Int("size", 600, "size of the code in pixels (PNG)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "qr: -o FILE.png or FILE.svg is required")
		return 2
	}
	format, err := outputFormat(*out, "png", "svg")
	if err != nil {
		fmt.Fprintln(stderr, "qr:", err)
		return 2
	}
	link, err := c.link(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "qr:", err)
		return 2
	}
	err = writeWhole(*out, func(w io.Writer) error {
		if format == "svg" {
			return campaign.QRSVG(w, link)
		}
		return campaign.QR(w, link, *size)
	})
	if err != nil {
		fmt.Fprintln(stderr, "qr:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: QR code of %s\n", *out, link)
	return 0
}
