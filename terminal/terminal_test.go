package terminal_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testcore"
	"github.com/selfcheck-id/selfcheck/terminal"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts from the current output")

func newCore(t *testing.T) *convo.Core {
	t.Helper()
	return testcore.New(t, convo.Embedded).Core
}

// TestGoldenTranscripts plays each testdata/NAME.LANG.in (one typed line per
// line) through the terminal with the shipped flow and compares the whole
// output with testdata/NAME.LANG.golden. Run with -update to regenerate, then
// read the diff: it is what users will see.
func TestGoldenTranscripts(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.in")
	if len(inputs) == 0 {
		t.Fatal("no transcripts in testdata")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".in")
		t.Run(name, func(t *testing.T) {
			lang := filepath.Ext(name)[1:]
			input, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err = terminal.Run(context.Background(), newCore(t), bytes.NewReader(input), &out, terminal.Options{Lang: lang, Echo: true})
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, ".in") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./terminal -update to create it)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("transcript differs from %s (run with -update and read the diff):\n%s", golden, firstDiff(string(want), out.String()))
			}
		})
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got string) string {
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
			return "line " + strconv.Itoa(i+1) + ":\n want: " + wl + "\n  got: " + gl
		}
	}
	return ""
}

func TestEndOfInputExitsCleanly(t *testing.T) {
	var out bytes.Buffer
	err := terminal.Run(context.Background(), newCore(t), strings.NewReader("1\n"), &out, terminal.Options{Lang: "en"})
	if err != nil {
		t.Fatalf("end of input: %v", err)
	}
}
