// Package golden compares test output with golden files, and rewrites them
// when the tests run with -update (goflow's habit): one flag, one helper,
// for every golden test.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// Updating reports whether the tests run with -update: for a test that
// rewrites part of a file (the README's configuration table) rather than a
// whole golden file.
func Updating() bool { return *update }

// Check compares got with the file at path, or writes it there with -update.
// Read the diff of a rewrite: it is what users will see.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("output differs from %s (run with -update and read the diff):\n%s", path, FirstDiff(string(want), string(got)))
	}
}

// FirstDiff shows the first differing line with a little context.
func FirstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return ""
}
