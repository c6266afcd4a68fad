package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/poster"
)

// cmdPoster is `selfcheck poster`: the campaign's A4 poster, PDF or PNG.
func cmdPoster(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("poster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "poster --campaign NAME --lang id|en -o FILE.pdf|FILE.png [flags]",
		"Writes the campaign's A4 poster: a call to action, the QR code, the link, and the national hotlines from contacts.yaml.")
	var c campaignFlags
	c.bind(fs, "poster")
	out := fs.String("o", "", "the file to write: .pdf (to print) or .png (required)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "poster: -o FILE.pdf or FILE.png is required")
		return 2
	}
	format, err := outputFormat(*out, "pdf", "png")
	if err != nil {
		fmt.Fprintln(stderr, "poster:", err)
		return 2
	}
	if c.lang == "" {
		fmt.Fprintln(stderr, "poster: --lang id or --lang en is required: the poster's language, and the bot's for people who scan it")
		return 2
	}
	link, err := c.link(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "poster:", err)
		return 2
	}
	contacts, err := directory(&c.cfg)
	if err != nil {
		fmt.Fprintln(stderr, "poster:", err)
		return 2
	}
	p, err := poster.New(link, c.lang, contacts)
	if err != nil {
		fmt.Fprintln(stderr, "poster:", err)
		return 2
	}
	err = writeWhole(*out, func(w io.Writer) error {
		if format == "pdf" {
			return p.PDF(w)
		}
		return p.PNG(w)
	})
	if err != nil {
		fmt.Fprintln(stderr, "poster:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: A4 poster (%s) of %s\n", *out, c.lang, link)
	return 0
}

// directory is the contact directory of the flows the bot serves.
func directory(cfg *Config) (map[string]*flows.Contact, error) {
	src := cfg.source()
	set, ps := flows.Load(src.Flows, src.FlowsDir)
	if len(ps) > 0 {
		ps.Sort()
		return nil, fmt.Errorf("the flows do not load (run selfcheck validate): %s", ps[0].String())
	}
	return set.Contacts, nil
}
