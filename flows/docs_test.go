package flows_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the flow diagram embedded in docs/flows.md")

const (
	docsFile   = "../docs/flows.md"
	graphBegin = "<!-- graph:begin (go test ./flows -update-docs) -->\n"
	graphEnd   = "<!-- graph:end -->\n"
)

// TestDocsDiagramIsCurrent keeps the Mermaid diagram in docs/flows.md equal
// to `selfcheck graph` of the shipped flow, so NGO staff never read a stale
// picture of what the bot asks.
func TestDocsDiagramIsCurrent(t *testing.T) {
	set, ps := flows.Load(flows.Files, ".")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	diagram, err := flows.Diagram(set.Flows[set.IDs()[0]], "mermaid")
	if err != nil {
		t.Fatal(err)
	}
	want := graphBegin + "```mermaid\n" + diagram + "```\n" + graphEnd
	data, err := os.ReadFile(docsFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, graphBegin), strings.Index(doc, graphEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q section", docsFile, graphBegin, graphEnd)
	}
	got := doc[i : j+len(graphEnd)]
	if got == want {
		return
	}
	if !*updateDocs {
		t.Fatalf("the diagram in %s is stale: run go test ./flows -run DocsDiagram -update-docs", docsFile)
	}
	if err := os.WriteFile(docsFile, []byte(doc[:i]+want+doc[j+len(graphEnd):]), 0o644); err != nil {
		t.Fatal(err)
	}
}
