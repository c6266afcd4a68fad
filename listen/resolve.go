package listen

// From phrases found to answers: overlaps, negation, ties, combined and
// implied answers.

import (
	"slices"
	"strings"

	"github.com/selfcheck-id/selfcheck/flows"
)

// said counts how often one answer was said, where first, and in which
// words.
type said struct {
	n, first int
	words    string
}

// resolve turns phrase matches into one answer per step. Where phrases
// overlap, the longer wins ("tanpa biaya" over "biaya"); where a step gets
// several answers, the one said most often wins, a tie goes to the
// preferred one, then to the first in the flow's order; for mention_first
// steps the answer named first wins; choices found together may combine
// (fee and debt: both).
func (r *Rules) resolve(ms []match, ws []string, f *flows.Flow) []Finding {
	slices.SortStableFunc(ms, func(a, b match) int {
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return lb - la
		}
		return a.start - b.start
	})
	byStep := map[string]map[string]*said{}
	var kept []match
	for _, m := range ms {
		// Longest first: a match inside a longer one kept is part of
		// that one; one as long of the same step says the same twice. The
		// same words may answer two questions ("ltsa").
		inside := slices.ContainsFunc(kept, func(k match) bool {
			overlap := m.start < k.end && k.start < m.end
			if k.step != m.step && slices.Contains(r.KeepInside, m.step) {
				return false
			}
			return overlap && (k.end-k.start > m.end-m.start || k.step == m.step)
		})
		if inside {
			continue
		}
		kept = append(kept, m)
		if byStep[m.step] == nil {
			byStep[m.step] = map[string]*said{}
		}
		t := byStep[m.step][m.choice]
		if t == nil {
			t = &said{words: strings.Join(ws[m.start:m.end], " "), first: m.start}
			byStep[m.step][m.choice] = t
		}
		t.n++
	}
	read := func(answer string) bool {
		step, choice, _ := strings.Cut(answer, "=")
		return byStep[step][choice] != nil
	}
	var out []Finding
	for _, step := range sortedKeys(byStep) {
		s := f.Steps[step]
		found := byStep[step]
		best, bestN := "", 0
		for _, c := range s.Choices {
			if t := found[c.ID]; t != nil && t.n > bestN {
				best, bestN = c.ID, t.n
			}
		}
		for _, c := range r.Prefer[step] {
			if t := found[c]; t != nil && t.n == bestN {
				best = c // a tie: the preferred answer
				break
			}
		}
		if slices.ContainsFunc(r.MentionFirst[step], read) {
			for _, c := range s.Choices {
				if t := found[c.ID]; t != nil && t.first < found[best].first {
					best = c.ID
				}
			}
		}
		words := found[best].words
		for _, combined := range sortedKeys(r.Combine[step]) {
			parts := r.Combine[step][combined]
			all := len(parts) > 0
			var saids []string
			for _, p := range parts {
				if found[p] == nil {
					all = false
					break
				}
				saids = append(saids, found[p].words)
			}
			if all {
				best, words = combined, strings.Join(saids, ", ")
			}
		}
		out = append(out, Finding{Step: step, Choice: best, Said: words})
	}
	return out
}

// negatedAt reports whether a negation word comes within n words before
// position at, in the same sentence.
func (r *Rules) negatedAt(ws []string, sentence []int, at, n int) bool {
	for i := max(0, at-n); i < at; i++ {
		if sentence[i] == sentence[at] && slices.Contains(r.Negation.Words, ws[i]) {
			return true
		}
	}
	return false
}

// negated reports whether a negation word comes just before an answer
// phrase that is not itself negative ("tanpa biaya" is its own phrase), in
// its sentence.
func (r *Rules) negated(ws []string, sentence []int, m match) bool {
	if slices.Contains(r.Negation.Words, m.p.words[0]) {
		return false
	}
	if r.negatedAt(ws, sentence, m.start, r.Negation.Within) {
		return true
	}
	if r.Negation.Means[m.step] == "" {
		return false // after a place or a job, "gak" says something else
	}
	for i := m.end; i < min(len(ws), m.end+r.Negation.After); i++ {
		if sentence[i] == sentence[m.start] && slices.Contains(r.Negation.Words, ws[i]) {
			return true
		}
	}
	return false
}

// implied adds the answers the rules imply from those read (domestic work
// in the Middle East: a private household), unless read already.
func (r *Rules) implied(found []Finding) []Finding {
	has := func(step string, choices []string) bool {
		for _, f := range found {
			if f.Step == step && slices.Contains(choices, f.Choice) {
				return true
			}
		}
		return false
	}
	for _, step := range sortedKeys(r.Imply) {
		if slices.ContainsFunc(found, func(f Finding) bool { return f.Step == step }) {
			continue
		}
		for _, choice := range sortedKeys(r.Imply[step]) {
			all := true
			for dep, choices := range r.Imply[step][choice] {
				all = all && has(dep, choices)
			}
			if all {
				found = append(found, Finding{Step: step, Choice: choice})
				break
			}
		}
	}
	return found
}

// inFlowOrder sorts findings by the order of their steps in the flow.
func inFlowOrder(fs []Finding, f *flows.Flow) []Finding {
	pos := map[string]int{}
	for i, id := range f.StepOrder {
		pos[id] = i
	}
	slices.SortStableFunc(fs, func(a, b Finding) int { return pos[a.Step] - pos[b.Step] })
	return fs
}

// combined is the choice of step that stands for choices a and b found
// together (combine), or "".
func (r *Rules) combined(step, a, b string) string {
	for _, c := range sortedKeys(r.Combine[step]) {
		parts := r.Combine[step][c]
		if len(parts) == 2 && (parts[0] == a && parts[1] == b || parts[0] == b && parts[1] == a) {
			return c
		}
	}
	return ""
}
