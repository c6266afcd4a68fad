package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"
)

// cmdHealthcheck is `selfcheck healthcheck`: the image's HEALTHCHECK
// (distroless has no shell or curl). It asks /healthz of the bot on
// LISTEN_ADDR (or, where nothing listens there, of the dashboard on
// DASHBOARD_ADDR: the same image runs either) and exits 0 when it answers
// 200 within 3 seconds.
func cmdHealthcheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, "healthcheck [--url URL]", "Exits 0 when /healthz of the bot (LISTEN_ADDR) or of the dashboard (DASHBOARD_ADDR) answers 200, else 1: the container image's HEALTHCHECK.")
	var cfg Config
	cfg.bind(fs, "healthcheck")
	url := fs.String("url", "", "ask this URL instead (default: /healthz on LISTEN_ADDR's port, then DASHBOARD_ADDR's, on 127.0.0.1)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if err := cfg.checkEnv(); err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 2
	}
	urls := []string{*url}
	if *url == "" {
		urls = nil
		for _, addr := range []string{cfg.Listen, cfg.DashAddr} {
			_, port, err := net.SplitHostPort(addr)
			if err != nil {
				fmt.Fprintf(stderr, "healthcheck: %q: %v\n", addr, err)
				return 2
			}
			urls = append(urls, "http://"+net.JoinHostPort("127.0.0.1", port)+"/healthz")
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var err error
	for _, u := range urls {
		if err = healthy(ctx, u); err == nil {
			fmt.Fprintln(stdout, "ok")
			return 0
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			break // something listens there, and it is not well
		}
	}
	fmt.Fprintln(stderr, "healthcheck:", err)
	return 1
}

// healthy asks url and reports anything but a 200.
func healthy(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, res.Status)
	}
	return nil
}
