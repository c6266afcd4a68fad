package flows

import (
	"slices"
	"strings"
)

// advice checks the verdict's advice: every case names what exists, no case
// hides behind an earlier one that always matches, and no legal-route step
// can reach a verdict with a sign that rules the legal route out.
//
// The band's own steps count as a last case per band (they apply when no
// case matches), so one rule covers both.
func (c *checker) advice() {
	f := c.f
	bandIDs := make([]string, len(f.Bands))
	for i, b := range f.Bands {
		bandIDs[i] = b.ID
	}
	for i, id := range f.LegalRoute {
		c.msg(c.at("legal_route", i), id, "legal-route step")
	}
	for i, id := range f.LegalRouteContacts {
		c.contact(c.at("legal_route_contacts", i), id)
	}
	seen := map[string]int{}
	for i, a := range f.Advice {
		n := c.at("advice", i)
		switch {
		case !idRe.MatchString(a.ID):
			c.add(n, "advice case %d needs an id of a-z, 0-9 and _ (got %q)", i+1, a.ID)
		case seen[a.ID] > 0:
			c.add(n, "duplicate advice case id %q (first at line %d)", a.ID, seen[a.ID])
		}
		seen[a.ID] = a.Line
		for j, b := range a.If.Band {
			if !slices.Contains(bandIDs, b) {
				c.add(c.at("advice", i, "if", "band", j), "band %q does not exist (bands: %s)", b, strings.Join(bandIDs, ", "))
			}
		}
		for j, fl := range a.If.Flags {
			if f.Flags[fl] == nil {
				c.add(c.at("advice", i, "if", "flags", j), "flag %q is not defined under `flags`", fl)
			}
		}
		c.when(a.If.Answers, "advice", i, "if", "answers")
		if a.Headline != "" {
			c.msg(c.at("advice", i, "headline"), a.Headline, "headline of advice case "+a.ID)
		}
		if len(a.Steps) == 0 {
			c.add(n, "advice case %q has no steps: say what to do", a.ID)
		}
		for j, st := range a.Steps {
			c.msg(c.at("advice", i, "steps", j), st, "step of advice case "+a.ID)
		}
		for j, ct := range a.Contacts {
			c.contact(c.at("advice", i, "contacts", j), ct)
		}
		for _, prev := range f.Advice[:i] {
			if prev.If.Empty() {
				c.add(n, "advice case %q is never used: case %q before it has no condition and always matches", a.ID, prev.ID)
				break
			}
		}
	}
	c.legalRoute()
}

// legalRoute reports a legal-route step that a verdict with a no_legal_route
// sign could show, at the step's line. A sign reaches a case unless an
// earlier case always matches when the sign is raised; a critical sign
// always gives the top band, so a case for other bands cannot see it.
func (c *checker) legalRoute() {
	f := c.f
	if len(f.LegalRoute) == 0 || len(f.Bands) == 0 {
		return
	}
	top := f.Bands[len(f.Bands)-1].ID
	// covers: case a always matches when flag fl is raised.
	covers := func(a Condition, fl *Flag) bool {
		if len(a.Answers) > 0 {
			return false
		}
		if len(a.Flags) > 0 && !slices.Contains(a.Flags, fl.ID) {
			return false
		}
		if len(a.Band) > 0 && !(fl.Critical && slices.Contains(a.Band, top)) {
			return false
		}
		return true
	}
	// canSee: a verdict with flag fl can have one of these bands.
	canSee := func(bands []string, fl *Flag) bool {
		return len(bands) == 0 || !fl.Critical || slices.Contains(bands, top)
	}
	type rule struct {
		cond  Condition
		steps []string
		path  []any // to the steps list
		name  string
	}
	var rules []rule
	for i, a := range f.Advice {
		rules = append(rules, rule{a.If, a.Steps, []any{"advice", i, "steps"}, "advice case " + a.ID})
	}
	for i, b := range f.Bands {
		rules = append(rules, rule{Condition{Band: []string{b.ID}}, b.Steps, []any{"bands", i, "steps"}, "band " + b.ID})
	}
	for _, fid := range sortedIDs(f.Flags) {
		fl := f.Flags[fid]
		if !fl.NoLegalRoute {
			continue
		}
		for i, r := range rules {
			caught := false
			for _, prev := range rules[:i] {
				if covers(prev.cond, fl) {
					caught = true
					break
				}
			}
			if caught || !canSee(r.cond.Band, fl) {
				continue
			}
			for j, st := range r.steps {
				if slices.Contains(f.LegalRoute, st) {
					c.add(c.at(append(r.path, j)...), "%s is a step of the legal route, but %s can be shown with the sign %q, which rules out a legal route (no_legal_route): add an advice case for %q before it, or drop the step", st, r.name, fl.ID, fl.ID)
				}
			}
		}
	}
}
