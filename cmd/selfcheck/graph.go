package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/selfcheck-id/selfcheck/flows"
)

func cmdGraph(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("graph", flag.ContinueOnError)
	fset.SetOutput(stderr)
	format := fset.String("format", "mermaid", "mermaid or dot")
	// Accept the flow before or after the flags: "graph flows/x.yaml --format dot".
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if file == "" && fset.NArg() > 0 {
		file = fset.Arg(0)
	}
	var set *flows.Set
	var ps []string
	if file == "" {
		s, problems := flows.Load(flows.Files, ".")
		set = s
		for _, p := range problems {
			ps = append(ps, p.String())
		}
	} else {
		s, problems := flows.LoadFiles(osFS{}, []string{file})
		set = s
		for _, p := range problems {
			ps = append(ps, p.String())
		}
	}
	if len(ps) > 0 || len(set.Flows) == 0 {
		for _, p := range ps {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintln(stderr, "graph: no flow to draw")
		return 1
	}
	out, err := flows.Diagram(set.Flows[set.IDs()[0]], *format)
	if err != nil {
		fmt.Fprintln(stderr, "graph:", err)
		return 2
	}
	fmt.Fprint(stdout, out)
	return 0
}
