package flows

import (
	"fmt"
	"sort"
	"strings"
)

// Diagram draws the flow for people: steps as boxes, choices on the arrows
// with their flags and scores, end steps as end nodes, and the verdict as a
// decision that leads to one end node per band, the arrows saying which
// scores (or other rules) give that band.
// format is "mermaid" (renders on GitHub) or "dot" (Graphviz).
func Diagram(f *Flow, format string) (string, error) {
	var b strings.Builder
	var node func(id, label, shape string)
	var edge func(from, to, label string, dashed bool)
	switch format {
	case "mermaid":
		b.WriteString("flowchart TD\n")
		node = func(id, label, shape string) {
			open, close := "[", "]"
			switch shape {
			case "end":
				open, close = "([", "])"
			case "decision":
				open, close = "{", "}"
			}
			fmt.Fprintf(&b, "  %s%s\"%s\"%s\n", id, open, mermaidEscape(label), close)
		}
		edge = func(from, to, label string, dashed bool) {
			arrow := "-->"
			if dashed {
				arrow = "-.->"
			}
			if label == "" {
				fmt.Fprintf(&b, "  %s %s %s\n", from, arrow, to)
				return
			}
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", from, arrow, mermaidEscape(label), to)
		}
	case "dot":
		fmt.Fprintf(&b, "digraph %q {\n  rankdir=TB;\n  node [shape=box];\n", f.ID)
		node = func(id, label, shape string) {
			s := "box"
			switch shape {
			case "end":
				s = "ellipse"
			case "decision":
				s = "diamond"
			}
			fmt.Fprintf(&b, "  %q [label=%q, shape=%s];\n", id, label, s)
		}
		edge = func(from, to, label string, dashed bool) {
			style := ""
			if dashed {
				style = ", style=dashed"
			}
			fmt.Fprintf(&b, "  %q -> %q [label=%q%s];\n", from, to, label, style)
		}
	default:
		return "", fmt.Errorf("unknown format %q: use mermaid or dot", format)
	}

	for _, id := range f.StepOrder {
		s := f.Steps[id]
		label := id
		if s.IsEnd() {
			node(id, label+" (end)", "end")
			continue
		}
		if len(s.When) > 0 {
			label += "\nonly if " + whenText(s.When)
		}
		node(id, label, "box")
	}
	// The verdict decides the band from the score: a decision with one end
	// node per band. Step ids are lower case, so "Band1" cannot clash.
	node(Verdict, "verdict", "decision")
	for i, band := range f.Bands {
		node(bandNode(i), band.ID+"\n"+scoreRange(f, i), "end")
	}
	for _, id := range f.StepOrder {
		s := f.Steps[id]
		if len(s.When) > 0 {
			edge(id, s.Next, "skipped", true)
		}
		for _, c := range s.Choices {
			edge(id, c.NextOr(s), choiceLabel(f, c), false)
		}
	}
	for i := range f.Bands {
		edge(Verdict, bandNode(i), bandRule(f, i), false)
	}
	if format == "dot" {
		b.WriteString("}\n")
	}
	return b.String(), nil
}

func choiceLabel(f *Flow, c *Choice) string {
	parts := []string{c.ID}
	for _, fl := range c.Flags {
		mark := ""
		if def := f.Flags[fl]; def != nil {
			mark = fmt.Sprintf(" +%d", def.Weight)
			if def.Critical {
				mark = " CRITICAL"
			}
		}
		parts = append(parts, fl+mark)
	}
	if c.Score != 0 {
		parts = append(parts, fmt.Sprintf("score %+d", c.Score))
	}
	if c.Unknown {
		parts = append(parts, "action item")
	}
	return strings.Join(parts, " ")
}

func whenText(when map[string][]string) string {
	keys := make([]string, 0, len(when))
	for k := range when {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" = "+strings.Join(when[k], "/"))
	}
	return strings.Join(parts, " and ")
}

func bandNode(i int) string { return fmt.Sprintf("Band%d", i+1) }

// scoreRange says which scores fall in band i: "score 3-7", "score ≥ 8".
func scoreRange(f *Flow, i int) string {
	lo := f.Bands[i].Min
	switch {
	case len(f.Bands) == 1:
		return "any score"
	case i == len(f.Bands)-1:
		return fmt.Sprintf("score ≥ %d", lo)
	case f.Bands[i+1].Min-1 <= lo:
		return fmt.Sprintf("score %d", lo)
	default:
		return fmt.Sprintf("score %d-%d", lo, f.Bands[i+1].Min-1)
	}
}

// bandRule is the score range of band i and the rules that lift a verdict
// into it whatever the score (see Evaluate): enough "I don't know" answers
// give the second band, a critical flag the highest.
func bandRule(f *Flow, i int) string {
	rules := []string{scoreRange(f, i)}
	if i == 1 && f.UnknownsForMedium > 0 {
		rules = append(rules, fmt.Sprintf("%d+ unknowns", f.UnknownsForMedium))
	}
	if i > 0 && i == len(f.Bands)-1 && hasCritical(f) {
		rules = append(rules, "a critical flag")
	}
	if len(rules) == 1 {
		return rules[0]
	}
	return strings.Join(rules[:len(rules)-1], ", ") + " or " + rules[len(rules)-1]
}

func hasCritical(f *Flow) bool {
	for _, fl := range f.Flags {
		if fl != nil && fl.Critical {
			return true
		}
	}
	return false
}

// mermaidEscape keeps labels inside Mermaid's quoted strings.
func mermaidEscape(s string) string {
	s = strings.ReplaceAll(s, `"`, "#quot;")
	return strings.ReplaceAll(s, "\n", "<br/>")
}
