package flows

import (
	"gopkg.in/yaml.v3"

	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
)

// The most a flow may hold. The shipped flow has 26 steps, 26 flags, 3
// bands, 5 advice cases and at most 10 answers to a question, so each bound
// leaves room for growth. They exist because the content checks multiply:
// every band is rendered with every advice case that can apply to it and
// the longest signs of every question (convo's checkLengths), a flow's
// checks pair cases with cases and signs, and a "did you mean" compares a
// misspelt step id with every step. Unbounded, a 49 KB flow of 200 bands
// and 200 advice cases took 13 s to check, and larger ones minutes; within
// these bounds the largest flow checks in well under a second.
const (
	MaxSteps  = 100
	MaxFlags  = 100
	MaxBands  = 10
	MaxAdvice = 50
	// MaxList bounds every list in a flow: a step's answers, an answer's
	// flags, steps or contacts, a band's steps...
	MaxList = 50
)

// limits reports whatever exceeds the bounds above. Validate then stops
// there: the other checks would take long and bury these problems.
func (c *checker) limits() {
	f := c.f
	for _, l := range []struct {
		have, most int
		path, what string
	}{
		{len(f.Steps), MaxSteps, "steps", "steps"},
		{len(f.Flags), MaxFlags, "flags", "flags"},
		{len(f.Bands), MaxBands, "bands", "bands"},
		{len(f.Advice), MaxAdvice, "advice", "advice cases"},
	} {
		if l.have > l.most {
			c.add(c.at(l.path, yamlcheck.KeyOf), "the flow has %d %s; a flow may have at most %d", l.have, l.what, l.most)
		}
	}
	seen := map[*yaml.Node]bool{} // aliases share nodes: look at each once
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.Kind == yaml.SequenceNode && len(n.Content) > MaxList {
			c.add(n, "this list has %d items; a list in a flow may have at most %d", len(n.Content), MaxList)
		}
		for _, child := range n.Content {
			walk(child)
		}
	}
	walk(c.root.Root())
}
