package terminal_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/golden"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/terminal"
)

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
			golden.Check(t, strings.TrimSuffix(in, ".in")+".golden", out.Bytes())
		})
	}
}

func TestEndOfInputExitsCleanly(t *testing.T) {
	var out bytes.Buffer
	err := terminal.Run(context.Background(), newCore(t), strings.NewReader("1\n"), &out, terminal.Options{Lang: "en"})
	if err != nil {
		t.Fatalf("end of input: %v", err)
	}
}
