package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
	"github.com/selfcheck-id/selfcheck/locales"
)

// osFS opens paths as given (relative to the working directory or
// absolute), so that problems name files the way the user typed them.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

func cmdValidate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("validate", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: selfcheck validate [FILES or DIRS]  (default: flows/ and locales/; files under a locales/ directory are message files)")
		fset.PrintDefaults()
	}
	flowID := fset.String("flow", "", "id of the served flow (default: the only one)")
	if code, ok := parseFlags(fset, args, math.MaxInt); !ok {
		return code
	}
	// Ctrl-C or SIGTERM (ctx) stops the check at once: a file on a pipe
	// or a stalled disk must not hold the terminal. The load left running
	// ends with the process.
	type result struct {
		content    *convo.Content
		ps         yamlcheck.Problems
		localesDir string
	}
	done := make(chan result, 1)
	go func() {
		content, ps, dir := loadForValidation(fset.Args(), *flowID)
		done <- result{content, ps, dir}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		fmt.Fprintf(stderr, "validate: stopped (%v)\n", context.Cause(ctx))
		return 130
	}
	content, ps := res.content, res.ps
	for _, p := range ps {
		fmt.Fprintln(stdout, p)
	}
	if len(ps) > 0 {
		fmt.Fprintf(stdout, "%d problem(s)\n", len(ps))
		return 1
	}
	f := content.Flow
	fmt.Fprintf(stdout, "ok: flow %s v%d (%d steps, %d flags), %d contacts, languages %s (%d messages each)\n",
		f.ID, f.Version, len(f.Steps), len(f.Flags), len(content.Set.Contacts),
		strings.Join(content.Msgs.Languages(), ", "), len(content.Msgs.Keys(locales.Default)))
	// Stale translations are listed for translators; the bot serves them
	// as they are, so they do not fail the check.
	if res.localesDir != "" {
		if err := translationStatus(content.Msgs, res.localesDir, stdout); err != nil {
			fmt.Fprintln(stderr, "validate:", err)
			return 1
		}
	}
	return 0
}

// loadForValidation sorts the arguments into flow files and message files
// and loads both; missing kinds come from ./flows and ./locales when they
// exist, else from what is built in. It returns the directory the message
// files came from ("" for the built-in ones).
func loadForValidation(args []string, flowID string) (*convo.Content, yamlcheck.Problems, string) {
	var flowFiles, localeDirs []string
	var ps yamlcheck.Problems
	if len(args) == 0 {
		args = []string{"flows"}
	}
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			ps = append(ps, yamlcheck.Problem{File: a, Msg: "cannot read: no such file or directory"})
			continue
		}
		switch {
		case st.IsDir() && filepath.Base(filepath.Clean(a)) == "locales":
			localeDirs = append(localeDirs, a)
		case st.IsDir():
			matches, _ := filepath.Glob(filepath.Join(a, "*.yaml"))
			flowFiles = append(flowFiles, matches...)
		case filepath.Base(filepath.Dir(a)) == "locales":
			localeDirs = append(localeDirs, filepath.Dir(a))
		default:
			flowFiles = append(flowFiles, a)
		}
	}
	if len(ps) > 0 {
		return nil, ps, ""
	}
	var set *flows.Set
	if len(flowFiles) == 0 {
		set, ps = flows.Load(flows.Files, ".")
	} else {
		set, ps = flows.LoadFiles(osFS{}, flowFiles)
		if !hasContacts(flowFiles) {
			// A flow file alone still needs the contact directory beside it.
			ps = append(ps, yamlcheck.Problem{File: flowFiles[0], Msg: "no " + flows.ContactsFile + " given: pass the flows directory, or the contact directory too"})
		}
	}
	var msgs *locales.Catalog
	var mps yamlcheck.Problems
	dir := ""
	switch {
	case len(localeDirs) > 0:
		dir = localeDirs[0]
	case dirExists("locales"):
		dir = "locales"
	}
	if dir != "" {
		msgs, mps = locales.Load(osFS{}, dir)
	} else {
		msgs, mps = locales.Load(locales.Files, ".")
	}
	ps = append(ps, mps...)
	if len(ps) > 0 {
		ps.Sort()
		return nil, ps, dir
	}
	content, ps := convo.Check(set, msgs, flowID)
	return content, ps, dir
}

func hasContacts(files []string) bool {
	for _, f := range files {
		if filepath.Base(f) == flows.ContactsFile {
			return true
		}
	}
	return false
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
