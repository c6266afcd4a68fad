// Command selfcheck is the job-offer self-check bot: one binary whose
// subcommands run it on Telegram, in the terminal, and check or draw its
// flows.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `selfcheck: a self-check for job offers abroad, on Telegram or in the terminal.

Usage:
  selfcheck chat [--lang id|en]              a self-check in the terminal (no token, no Redis needed)
  selfcheck run                              the Telegram bot (long polling; see README for settings)
  selfcheck web [--listen ADDR] [--kiosk]    the check as web pages (--kiosk: a shared screen at a booth)
  selfcheck validate [FILES or DIRS]         check flows and locale files; exit 1 on any problem
  selfcheck graph [FLOW.yaml] [--format mermaid|dot]
                                             draw a flow as a diagram
  selfcheck link --campaign NAME [--lang id|en]
                                             the campaign's deep link to the bot
  selfcheck qr --campaign NAME [--lang id|en] -o FILE.png|FILE.svg
                                             a printable QR code of that link
  selfcheck poster --campaign NAME --lang id|en -o FILE.pdf|FILE.png
                                             an A4 poster: call to action, QR code, link, hotlines
  selfcheck dashboard                        campaign statistics, links, QR codes and posters in a
                                             browser (DASHBOARD_PASSWORD; loopback by default)
  selfcheck stats [--campaign X] [--from DATE] [--to DATE] [--format table|csv|json] [--chart FILE.png]
                                             anonymous campaign statistics (counts under 5 show as <5)
  selfcheck translate export|import|status|stamp --lang LANG
                                             a translator's round trip through a spreadsheet (docs/translating.md)
  selfcheck healthcheck [--url URL]          exit 0 when the bot's /healthz answers (the image's HEALTHCHECK)
  selfcheck version                          the module version and VCS revision of this build
  selfcheck help [COMMAND]                   this text, or a command's options

Run "selfcheck COMMAND --help" (or "selfcheck help COMMAND") for the options of a command.
`

func main() {
	ctx, stop := signalContext()
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// signalContext ends on SIGINT or SIGTERM: `run` then stops taking
// updates, lets the ones in hand finish and exits with status 0.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// command is a subcommand: it returns the exit status (0, 1 on failure, 2
// on a usage mistake; its --help returns 0).
type command func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// commands are the subcommands by name. Add yours here.
func commands() map[string]command {
	return map[string]command{
		"chat":        cmdChat,
		"run":         cmdRun,
		"validate":    cmdValidate,
		"graph":       cmdGraph,
		"link":        cmdLink,
		"qr":          cmdQR,
		"stats":       cmdStats,
		"poster":      cmdPoster,
		"dashboard":   cmdDashboard,
		"healthcheck": cmdHealthcheck,
		"translate":   cmdTranslate,
		"version":     cmdVersion,
		"web":         cmdWeb,
	}
}

// run dispatches a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := commands()
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			fmt.Fprint(stdout, usage)
			return 0
		}
		// `help CMD` is `CMD --help`, printed where it was asked for.
		cmd, ok := cmds[args[1]]
		if !ok || len(args) > 2 {
			fmt.Fprintf(stderr, "selfcheck: help takes one command, one of those below; got %q\n\n%s", args[1:], usage)
			return 2
		}
		return cmd(ctx, []string{"--help"}, stdin, stdout, stdout)
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "selfcheck: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return cmd(ctx, args[1:], stdin, stdout, stderr)
}
