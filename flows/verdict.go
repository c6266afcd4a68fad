package flows

import (
	"slices"
	"sort"
)

// Result is the verdict of a check, computed from the answers alone.
type Result struct {
	Band  *Band
	Score int
	// Flags raised, strongest first: critical ones, then by weight, then in
	// the order they were raised.
	Flags []*Flag
	// Actions are the message IDs of action items from "I don't know"
	// answers, in the order they were given.
	Actions []string
	// Contacts to show: the flow's fixed ones, then those answers chose.
	Contacts []string
	// Chosen are the contacts the answers chose (an embassy...), in order.
	Chosen   []string
	Unknowns int
	// Advice is the case that matched, nil when the band's own headline
	// and steps apply.
	Advice *Advice
	// Headline is the message ID of the line a person can act on.
	Headline string
	// Steps are the message IDs of what to do now: the case's (or the
	// band's), then those the answers added.
	Steps []string
}

// Critical reports whether a critical flag forced the band.
func (r Result) Critical() bool { return len(r.Flags) > 0 && r.Flags[0].Critical }

// Evaluate scores the answers of st: choice scores plus the weight of each
// distinct flag raised. A critical flag forces the highest band; many
// unknowns lift the band to at least the second.
func Evaluate(f *Flow, st State) Result {
	var r Result
	seen := map[string]bool{}
	for _, a := range st.Answers {
		s := f.Steps[a.Step]
		if s == nil {
			continue
		}
		c := s.Choice(a.Choice)
		if c == nil {
			continue
		}
		r.Score += c.Score
		for _, id := range c.Flags {
			if fl := f.Flags[id]; fl != nil && !seen[id] {
				seen[id] = true
				r.Score += fl.Weight
				r.Flags = append(r.Flags, fl)
			}
		}
		if c.Unknown {
			r.Unknowns++
			if c.Action != "" {
				r.Actions = append(r.Actions, c.Action)
			}
		}
		r.Chosen = appendNew(r.Chosen, c.Contacts...)
	}
	sort.SliceStable(r.Flags, func(i, j int) bool {
		a, b := r.Flags[i], r.Flags[j]
		if a.Critical != b.Critical {
			return a.Critical
		}
		return a.Weight > b.Weight
	})
	r.Band = band(f, r)
	if r.noLegalRoute() {
		// No legal route exists (a child, Cambodia): "check the licence"
		// would suggest the offer could go ahead.
		r.Actions = slices.DeleteFunc(r.Actions, func(a string) bool { return contains(f.LegalRoute, a) })
		r.Chosen = slices.DeleteFunc(r.Chosen, func(c string) bool { return contains(f.LegalRouteContacts, c) })
	}
	if r.Band == nil {
		r.Contacts = appendNew(appendNew(nil, f.Result.Contacts...), r.Chosen...)
		return r
	}
	r.Headline, r.Steps = r.Band.Headline, r.Band.Steps
	var first []string
	for _, a := range f.Advice {
		if a.If.holds(r, st) {
			r.Advice = a
			if a.Headline != "" {
				r.Headline = a.Headline
			}
			r.Steps, first = a.Steps, a.Contacts
			break
		}
	}
	r.Steps = append([]string(nil), r.Steps...)
	for _, a := range st.Answers {
		if c := f.Steps[a.Step].choice(a.Choice); c != nil {
			for _, id := range c.Advice {
				if r.Band.AnswerSteps == nil || contains(r.Band.AnswerSteps, id) {
					r.Steps = appendNew(r.Steps, id)
				}
			}
		}
	}
	if r.Band.Actions != nil {
		r.Actions = slices.DeleteFunc(r.Actions, func(a string) bool { return !contains(r.Band.Actions, a) })
	}
	r.Contacts = appendNew(appendNew(appendNew(nil, first...), f.Result.Contacts...), r.Chosen...)
	return r
}

// noLegalRoute reports whether a sign raised rules out every legal route.
func (r Result) noLegalRoute() bool {
	return slices.ContainsFunc(r.Flags, func(fl *Flag) bool { return fl.NoLegalRoute })
}

// choice is Choice on a step that may be nil.
func (s *Step) choice(id string) *Choice {
	if s == nil {
		return nil
	}
	return s.Choice(id)
}

// holds reports whether an advice condition holds for a result.
func (c Condition) holds(r Result, st State) bool {
	if len(c.Band) > 0 && (r.Band == nil || !contains(c.Band, r.Band.ID)) {
		return false
	}
	if len(c.Flags) > 0 {
		found := false
		for _, fl := range r.Flags {
			if contains(c.Flags, fl.ID) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return st.holds(c.Answers)
}

// Strong reports whether a flag is listed among the warning signs rather
// than the less strong ones.
func (f *Flow) Strong(fl *Flag) bool {
	w := f.Result.StrongWeight
	if w <= 0 {
		w = 4
	}
	return fl.Critical || fl.Weight >= w
}

func band(f *Flow, r Result) *Band {
	if len(f.Bands) == 0 {
		return nil
	}
	if r.Critical() {
		return &f.Bands[len(f.Bands)-1]
	}
	i := 0
	for j := range f.Bands {
		if r.Score >= f.Bands[j].Min {
			i = j
		}
	}
	if f.UnknownsForMedium > 0 && r.Unknowns >= f.UnknownsForMedium && i == 0 && len(f.Bands) > 1 {
		i = 1
	}
	return &f.Bands[i]
}

func appendNew(xs []string, ys ...string) []string {
	for _, y := range ys {
		if !contains(xs, y) {
			xs = append(xs, y)
		}
	}
	return xs
}
