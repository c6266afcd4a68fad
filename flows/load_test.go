package flows_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/selfcheck-id/selfcheck/flows"
)

// TestLoadAliases: a flow that names its choices with an alias (*name)
// loads like one that writes them out; it used to crash the loader (and a
// running bot on SIGHUP). Lines point where the choices are written.
func TestLoadAliases(t *testing.T) {
	mini, err := os.ReadFile("testdata/mini/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(mini), "    choices:\n      - {id: ad,", "    choices: &sources\n      - {id: ad,", 1)
	src = strings.Replace(src, "  dest:\n", "  again:\n    text: q.source\n    next: dest\n    choices: *sources\n  dest:\n", 1)
	if src == string(mini) || !strings.Contains(src, "&sources") {
		t.Fatal("testdata/mini/mini.yaml changed: update this test")
	}
	set, ps := flows.Load(fstest.MapFS{"f/mini.yaml": {Data: []byte(src)}}, "f")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	f := set.Flows["mini"]
	a, b := f.Steps["again"].Choices, f.Steps["source"].Choices
	if len(a) != 3 || a[0].ID != "ad" || a[0].Line != b[0].Line || a[0].Line == 0 {
		t.Errorf("aliased choices: %+v, written: %+v", a[0], b[0])
	}
}

// TestLoadRefusesLargeFile: a file over 1 MiB is refused with its size,
// before it is parsed.
func TestLoadRefusesLargeFile(t *testing.T) {
	big := "id: big\n#" + strings.Repeat("x", 2<<20) + "\n"
	_, ps := flows.Load(fstest.MapFS{"f/big.yaml": {Data: []byte(big)}}, "f")
	if len(ps) != 1 || !strings.Contains(ps[0].String(), "f/big.yaml: the file is 2097162 bytes; a content file may be at most 1048576 bytes (1 MiB)") {
		t.Errorf("got %v", ps)
	}
}
