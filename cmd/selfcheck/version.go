package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// cmdVersion is `selfcheck version`: the module's version and the VCS
// revision it was built from, from the build information Go embeds, so a
// bug report can say exactly which build it is about.
func cmdVersion(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: selfcheck version\n\nPrints the module version and the VCS revision this binary was built from.")
	}
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stderr, "version: this binary carries no build information")
		return 1
	}
	fmt.Fprintln(stdout, versionText(info))
	return 0
}

// versionText is "selfcheck VERSION (revision REV[, modified], TIME, GO)":
// VERSION is the module's ("(devel)" in a build from a work tree, which
// carries the revision instead).
func versionText(info *debug.BuildInfo) string {
	s := map[string]string{}
	for _, kv := range info.Settings {
		s[kv.Key] = kv.Value
	}
	out := "selfcheck " + info.Main.Version
	rev := s["vcs.revision"]
	if rev == "" {
		rev = "unknown"
	}
	out += " (revision " + rev
	if s["vcs.modified"] == "true" {
		out += ", modified"
	}
	if t := s["vcs.time"]; t != "" {
		out += ", " + t
	}
	return out + ", " + info.GoVersion + ")"
}
