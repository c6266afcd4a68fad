package flows_test

import (
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
)

// TestDiagramBands: the verdict is a decision that fans out to one end node
// per band, each labelled with its id and score range, the arrows saying
// which scores (and which other rules) lead there. The mini flow's bands
// start at 0, 3 and 6; two unknowns give at least medium; "far" is critical.
func TestDiagramBands(t *testing.T) {
	f := mini(t)
	tests := map[string][]string{
		"mermaid": {
			`  verdict{"verdict"}`,
			`  Band1(["lower<br/>score 0-2"])`,
			`  Band2(["medium<br/>score 3-5"])`,
			`  Band3(["high<br/>score ≥ 6"])`,
			`  verdict -->|"score 0-2"| Band1`,
			`  verdict -->|"score 3-5 or 2+ unknowns"| Band2`,
			`  verdict -->|"score ≥ 6 or a critical flag"| Band3`,
			`  fee -->|"no"| verdict`,
		},
		"dot": {
			`  "verdict" [label="verdict", shape=diamond];`,
			`  "Band1" [label="lower\nscore 0-2", shape=ellipse];`,
			`  "Band3" [label="high\nscore ≥ 6", shape=ellipse];`,
			`  "verdict" -> "Band2" [label="score 3-5 or 2+ unknowns"];`,
			`  "verdict" -> "Band3" [label="score ≥ 6 or a critical flag"];`,
			`  "fee" -> "verdict" [label="no"];`,
		},
	}
	for format, want := range tests {
		t.Run(format, func(t *testing.T) {
			got, err := flows.Diagram(f, format)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range want {
				if !strings.Contains(got, w+"\n") {
					t.Errorf("no line %q in:\n%s", w, got)
				}
			}
			if strings.Contains(got, "from 0") {
				t.Errorf("the bands are still one node:\n%s", got)
			}
		})
	}
}

// TestDiagramBandLabels covers the edge cases of band ranges: one band, a
// band one point wide, no critical flag, no unknowns rule.
func TestDiagramBandLabels(t *testing.T) {
	f := &flows.Flow{
		ID: "x", Start: "a", StepOrder: []string{"a"},
		Steps: map[string]*flows.Step{"a": {ID: "a", Next: flows.Verdict, Choices: []*flows.Choice{{ID: "y"}}}},
		Flags: map[string]*flows.Flag{"f": {Weight: 1}},
	}
	for _, tt := range []struct {
		bands []flows.Band
		want  []string
	}{
		{[]flows.Band{{ID: "only"}}, []string{`Band1(["only<br/>any score"])`, `verdict -->|"any score"| Band1`}},
		{[]flows.Band{{ID: "lo"}, {ID: "mid", Min: 1}, {ID: "hi", Min: 2}}, []string{
			`Band1(["lo<br/>score 0"])`, `Band2(["mid<br/>score 1"])`, `verdict -->|"score ≥ 2"| Band3`,
		}},
	} {
		f.Bands = tt.bands
		got, err := flows.Diagram(f, "mermaid")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, "  "+w+"\n") {
				t.Errorf("no line %q in:\n%s", w, got)
			}
		}
	}
}
