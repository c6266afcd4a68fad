package flows

import (
	"fmt"
	"sort"
	"strings"
)

// Diagram draws the flow for people: steps as boxes, choices on the arrows
// with their flags and scores, end steps and verdict bands as end nodes.
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
			if shape == "end" {
				open, close = "([", "])"
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
			if shape == "end" {
				s = "ellipse"
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
	bands := make([]string, 0, len(f.Bands))
	for _, band := range f.Bands {
		bands = append(bands, fmt.Sprintf("%s from %d", band.ID, band.Min))
	}
	node(Verdict, "verdict: "+strings.Join(bands, ", ")+"\nany critical flag: "+lastBand(f), "end")
	for _, id := range f.StepOrder {
		s := f.Steps[id]
		if len(s.When) > 0 {
			edge(id, s.Next, "skipped", true)
		}
		for _, c := range s.Choices {
			edge(id, c.NextOr(s), choiceLabel(f, c), false)
		}
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

func lastBand(f *Flow) string {
	if len(f.Bands) == 0 {
		return ""
	}
	return f.Bands[len(f.Bands)-1].ID
}

// mermaidEscape keeps labels inside Mermaid's quoted strings.
func mermaidEscape(s string) string {
	s = strings.ReplaceAll(s, `"`, "#quot;")
	return strings.ReplaceAll(s, "\n", "<br/>")
}
