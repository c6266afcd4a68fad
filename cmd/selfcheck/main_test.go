package main

import (
	"context"
	"io"
	"runtime/debug"
	"strings"
	"testing"
)

// TestEveryCommandHelp: `CMD --help` and `help CMD` exit 0 for every
// command and print its usage, `help CMD` on stdout; a stray word after a
// command that takes none is refused with status 2 and named.
func TestEveryCommandHelp(t *testing.T) {
	takesWords := map[string]bool{"validate": true, "graph": true}
	for name := range commands() {
		var out, errOut strings.Builder
		if code := run(context.Background(), []string{name, "--help"}, nil, &out, &errOut); code != 0 {
			t.Errorf("%s --help: status %d, want 0", name, code)
		}
		if !strings.Contains(strings.ToLower(out.String()+errOut.String()), "usage") {
			t.Errorf("%s --help prints no usage: %q", name, out.String()+errOut.String())
		}
		out.Reset()
		errOut.Reset()
		if code := run(context.Background(), []string{"help", name}, nil, &out, &errOut); code != 0 || !strings.Contains(strings.ToLower(out.String()), "usage") {
			t.Errorf("help %s: status %d, stdout %q; want 0 and its usage", name, code, out.String())
		}
		if takesWords[name] {
			continue
		}
		errOut.Reset()
		if code := run(context.Background(), []string{name, "stray"}, nil, io.Discard, &errOut); code != 2 || !strings.Contains(errOut.String(), `"stray"`) {
			t.Errorf("%s stray: status %d, stderr %q; want 2 naming the word", name, code, errOut.String())
		}
	}
	var errOut strings.Builder
	if code := run(context.Background(), []string{"graph", "a.yaml", "b.yaml"}, nil, io.Discard, &errOut); code != 2 || !strings.Contains(errOut.String(), `"b.yaml"`) {
		t.Errorf("graph with two flows: status %d, stderr %q; want 2", code, errOut.String())
	}
	for _, args := range [][]string{{"help", "nope"}, {"help", "run", "x"}, {"nope"}} {
		if code := run(context.Background(), args, nil, io.Discard, io.Discard); code != 2 {
			t.Errorf("%v: status %d, want 2", args, code)
		}
	}
}

func TestVersionText(t *testing.T) {
	for _, tc := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "v1.2.0"}}, "selfcheck v1.2.0 (revision unknown, go1.26)"},
		{debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}, {Key: "vcs.time", Value: "2026-12-07T02:03:25Z"}}},
			"selfcheck (devel) (revision abc123, modified, 2026-12-07T02:03:25Z, go1.26)"},
	} {
		if got := versionText(&tc.info); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	var out strings.Builder
	if code := run(context.Background(), []string{"version"}, nil, &out, io.Discard); code != 0 || !strings.HasPrefix(out.String(), "selfcheck ") {
		t.Errorf("version: status %d, %q", code, out.String())
	}
}
