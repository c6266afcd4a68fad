package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
)

func cmdGraph(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("graph", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: selfcheck graph [FLOW] [--format mermaid|dot]\n  FLOW: a flow id, a flow file or a flows directory (default: the shipped flow)")
		fset.PrintDefaults()
	}
	format := fset.String("format", "mermaid", "mermaid or dot")
	// Accept the flow before or after the flags: "graph flows/x.yaml --format dot".
	var arg string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		arg, args = args[0], args[1:]
	}
	maxWords := 1 // one FLOW, before or after the flags
	if arg != "" {
		maxWords = 0
	}
	if code, ok := parseFlags(fset, args, maxWords); !ok {
		return code
	}
	if arg == "" && fset.NArg() > 0 {
		arg = fset.Arg(0)
	}
	f, ps := graphFlow(arg)
	if len(ps) > 0 || f == nil {
		for _, p := range ps {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintln(stderr, "graph: no flow to draw")
		return 1
	}
	out, err := flows.Diagram(f, *format)
	if err != nil {
		fmt.Fprintln(stderr, "graph:", err)
		return 2
	}
	fmt.Fprint(stdout, out)
	return 0
}

// graphFlow finds the flow to draw. arg is a flows directory, a flow file
// (its directory's contact file is read too, so contact ids resolve), a
// flow id in ./flows (or the shipped flows), or empty for the first flow.
func graphFlow(arg string) (*flows.Flow, yamlcheck.Problems) {
	var set *flows.Set
	var ps yamlcheck.Problems
	id := ""
	st, err := os.Stat(arg)
	switch {
	case arg != "" && err == nil && st.IsDir():
		set, ps = flows.Load(osFS{}, arg)
	case arg != "" && err == nil:
		files := []string{arg}
		if c := filepath.Join(filepath.Dir(arg), flows.ContactsFile); c != arg && fileExists(c) {
			files = append(files, c)
		}
		set, ps = flows.LoadFiles(osFS{}, files)
	case dirExists("flows"):
		id = arg
		set, ps = flows.Load(osFS{}, "flows")
	default:
		id = arg
		set, ps = flows.Load(flows.Files, ".")
	}
	if len(ps) > 0 {
		return nil, ps
	}
	if id == "" && len(set.Flows) > 0 {
		id = set.IDs()[0]
	}
	if f := set.Flows[id]; f != nil {
		return f, nil
	}
	return nil, yamlcheck.Problems{{File: arg, Msg: fmt.Sprintf("no flow %q (known: %v)", id, set.IDs())}}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
