package main

import (
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEConfigTable checks the README's configuration table against the
// flags of `selfcheck run`: the same settings, each flag paired with the
// environment variable its help names.
func TestREADMEConfigTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("^\\| `([A-Z_]+)` \\| `--([a-z-]+)` \\| (.*?) \\| (.*) \\|$")
	table := map[string]string{}    // flag -> variable
	defaults := map[string]string{} // flag -> default, when the README gives a literal
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("README row not understood: %s", line)
			continue
		}
		if _, dup := table[m[2]]; dup {
			t.Errorf("README lists --%s twice", m[2])
		}
		table[m[2]] = m[1]
		if d := regexp.MustCompile("^`([^`]*)`$").FindStringSubmatch(m[3]); d != nil {
			defaults[m[2]] = d[1]
		}
		t.Setenv(m[1], "") // the defaults below are the code's, not this environment's
	}
	fs, _ := newRunFlags(io.Discard)
	envOf := regexp.MustCompile(`\(env ([A-Z_]+)\)`)
	fs.VisitAll(func(f *flag.Flag) {
		m := envOf.FindStringSubmatch(f.Usage)
		if m == nil {
			t.Errorf("--%s: its help does not name its environment variable", f.Name)
			return
		}
		v, ok := table[f.Name]
		switch {
		case !ok:
			t.Errorf("--%s (%s) is missing from the README's configuration table", f.Name, m[1])
		case v != m[1]:
			t.Errorf("README pairs --%s with %s; the code with %s", f.Name, v, m[1])
		}
		if d, ok := defaults[f.Name]; ok && d != f.DefValue && !(f.Name == "session-ttl" && d+"0m0s" == f.DefValue) && !strings.Contains(f.Usage, "(default \""+d+"\")") {
			t.Errorf("README gives --%s the default %q; the code %q", f.Name, d, f.DefValue)
		}
		delete(table, f.Name)
	})
	for f, v := range table {
		t.Errorf("README lists --%s (%s), which `selfcheck run` does not have", f, v)
	}
}
