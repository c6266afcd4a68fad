package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// cmdHealthcheck is `selfcheck healthcheck`: the image's HEALTHCHECK
// (distroless has no shell or curl). It asks /healthz of the bot on
// LISTEN_ADDR and exits 0 when it answers 200 within 3 seconds.
func cmdHealthcheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "healthcheck [--url URL]", "Exits 0 when the bot's /healthz (on LISTEN_ADDR) answers 200, else 1: the container image's HEALTHCHECK.")
	var cfg Config
	cfg.bind(fs, "healthcheck")
	url := fs.String("url", "", "ask this URL instead (default: /healthz on LISTEN_ADDR's port, on 127.0.0.1)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if err := cfg.checkEnv(); err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 2
	}
	if *url == "" {
		_, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			fmt.Fprintf(stderr, "healthcheck: LISTEN_ADDR %q: %v\n", cfg.Listen, err)
			return 2
		}
		*url = "http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", *url, nil)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 2
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: %s answered %s\n", *url, res.Status)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
