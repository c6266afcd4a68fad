package flows

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
)

// Edges returns where step s can lead: each choice's next and, for a step
// with a condition, the step it skips to. Verdict may be among them.
func (s *Step) Edges() []string {
	var out []string
	if len(s.When) > 0 && s.Next != "" {
		out = append(out, s.Next)
	}
	for _, c := range s.Choices {
		if n := c.NextOr(s); n != "" && !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// graph checks the flow as a whole: every step reachable from the start or
// the emergency entry, no loop that could trap a user, and every step with a
// way to an end (the verdict or an end step).
//
// A `next` that points nowhere is reported where it is written (see target);
// here it must not bury that line under the problems it alone causes. So the
// checks run over the edges that exist, a broken edge counts as a way to an
// end, and the step it most likely misspells counts as reached by it.
func (c *checker) graph() {
	f := c.f
	reached := map[string]bool{}
	var walk func(id string)
	walk = func(id string) {
		if reached[id] || f.Steps[id] == nil {
			return
		}
		reached[id] = true
		for _, n := range f.Steps[id].Edges() {
			walk(n)
		}
	}
	walk(f.Start)
	walk(f.Emergency)
	for {
		var broken []string
		for _, id := range []string{f.Start, f.Emergency} {
			if id != "" && f.Steps[id] == nil {
				broken = append(broken, id)
			}
		}
		for _, id := range f.StepOrder {
			for _, n := range f.Steps[id].Edges() {
				if reached[id] && n != Verdict && f.Steps[n] == nil {
					broken = append(broken, n)
				}
			}
		}
		more := false
		for _, n := range broken {
			if guess := c.nearest(n, reached); guess != "" && guess != Verdict {
				walk(guess)
				more = true
			}
		}
		if !more {
			break
		}
	}
	c.unreached(reached)

	// Depth-first search with colours: grey is on the current path, so an
	// edge to a grey step closes a loop.
	const (
		white = iota
		grey
		black
	)
	colour := map[string]int{}
	ends := map[string]bool{Verdict: true}
	looped := map[*yaml.Node]bool{}
	var visit func(id string)
	visit = func(id string) {
		colour[id] = grey
		s := f.Steps[id]
		if s.IsEnd() {
			ends[id] = true
		}
		for _, e := range c.exits(s) {
			n := e.to
			if f.Steps[n] == nil {
				// The verdict, or a broken edge: reported already, and
				// presumably meant to lead somewhere that ends.
				ends[id] = ends[id] || e.answer
				continue
			}
			switch colour[n] {
			case grey:
				// The `next` that closes the loop is the line to change.
				if !looped[e.node] {
					looped[e.node] = true
					c.add(e.node, "%s leads back to step %q: a loop can trap a user (use the Back button instead)", e.what, n)
				}
			case white:
				visit(n)
			}
			// Only answers count towards an end: a skip helps only the
			// users it skips.
			ends[id] = ends[id] || (ends[n] && e.answer)
		}
		colour[id] = black
	}
	for _, id := range f.StepOrder {
		if colour[id] == white {
			visit(id)
		}
	}
	for _, id := range f.StepOrder {
		if !ends[id] {
			c.add(c.at("steps", id, yamlcheck.KeyOf), "step %q has no way to a verdict or an end step", id)
		}
	}
}

// exit is one way out of a step and the YAML that writes it.
type exit struct {
	to   string
	node *yaml.Node // the choice's `next`, or the step's
	what string     // says which, for people: `choice "no" of step "route"`
	// answer is false for the skip of a step with a condition, when no
	// answer takes that way too.
	answer bool
}

// exits lists the ways out of s: the skip of a step with a condition, then
// each choice's next (its own, or the step's it falls back on).
func (c *checker) exits(s *Step) []exit {
	var out []exit
	stepNext := c.at("steps", s.ID, "next")
	if stepNext == nil {
		stepNext = c.at("steps", s.ID, yamlcheck.KeyOf)
	}
	what := fmt.Sprintf("the `next` of step %q", s.ID)
	if len(s.When) > 0 && s.Next != "" {
		out = append(out, exit{s.Next, stepNext, what, false})
	}
	for i, ch := range s.Choices {
		switch {
		case ch.Next != "":
			n := c.at("steps", s.ID, "choices", i, "next")
			if n == nil {
				n = c.at("steps", s.ID, "choices", i)
			}
			out = append(out, exit{ch.Next, n, fmt.Sprintf("choice %q of step %q", ch.ID, s.ID), true})
		case s.Next != "":
			out = append(out, exit{s.Next, stepNext, what, true})
		}
	}
	return out
}

// unreached reports the steps nothing reaches. A step reached only through
// another unreached one is named in that one's problem, not on its own: the
// line to fix is the first of the chain.
func (c *checker) unreached(reached map[string]bool) {
	f := c.f
	fromUnreached := map[string]bool{}
	for _, id := range f.StepOrder {
		if !reached[id] {
			for _, n := range f.Steps[id].Edges() {
				if n != id {
					fromUnreached[n] = true
				}
			}
		}
	}
	report := func(id string) {
		var after []string
		var walk func(id string)
		walk = func(id string) {
			if reached[id] || f.Steps[id] == nil {
				return
			}
			reached[id] = true
			after = append(after, id)
			for _, n := range f.Steps[id].Edges() {
				walk(n)
			}
		}
		walk(id)
		n := c.at("steps", id, yamlcheck.KeyOf)
		switch after = after[1:]; len(after) {
		case 0:
			c.add(n, "step %q cannot be reached from the start or the emergency step", id)
		case 1:
			c.add(n, "step %q cannot be reached from the start or the emergency step, so neither can step %q after it", id, after[0])
		default:
			c.add(n, "step %q cannot be reached from the start or the emergency step, so neither can the %d steps after it (%s)", id, len(after), strings.Join(after, ", "))
		}
	}
	// First the heads of chains, then what is left (steps in a loop).
	for _, id := range f.StepOrder {
		if !reached[id] && !fromUnreached[id] {
			report(id)
		}
	}
	for _, id := range f.StepOrder {
		if !reached[id] {
			report(id)
		}
	}
}

// leadsTo reports whether some choice of s leads to id.
func (s *Step) leadsTo(id string) bool {
	for _, c := range s.Choices {
		if c.NextOr(s) == id {
			return true
		}
	}
	return false
}

// EmergencySteps are the ids reachable from the emergency entry, the entry
// included (nil when the flow has none): the steps of the emergency path.
// Callers that ask on every update keep the set (convo.Content does).
func EmergencySteps(f *Flow) map[string]bool {
	if f.Emergency == "" {
		return nil
	}
	seen := map[string]bool{}
	todo := []string{f.Emergency}
	for len(todo) > 0 {
		id := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		if s := f.Steps[id]; s != nil {
			todo = append(todo, s.Edges()...)
		}
	}
	return seen
}
