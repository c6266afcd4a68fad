package listen

// Near rules: answers given by words close together rather than by one
// phrase.

import (
	"slices"
	"strings"
)

// nearFindings are the answers of near rules for steps no phrase answered:
// a word of each group within the rule's distance of a word of the first,
// and no unless word among them.
func (r *Rules) nearFindings(ws []string, sentence []int, found []Finding, inWarning func(from, to int) bool) (out []Finding) {
	answered := func(n NearRule) bool {
		for _, f := range found {
			if f.Step == n.step && !slices.Contains(n.Over, f.Choice) {
				return true
			}
		}
		return slices.ContainsFunc(out, func(f Finding) bool { return f.Step == n.step })
	}
	for _, n := range r.Near {
		if answered(n) {
			continue
		}
		if span, ok := r.index.nearSpan(ws, sentence, n, inWarning); ok {
			out = append(out, Finding{Step: n.step, Choice: n.choice, Said: span})
		}
	}
	return out
}

// nearSpan finds a near rule's words in ws: a word of each group within
// the rule's distance of a word of the first, no unless word among them
// (or two words around), and not in a sentence that warns. It returns the
// words from the first to the last found.
func (ix *index) nearSpan(ws []string, sentence []int, n NearRule, inWarning func(from, to int) bool) (string, bool) {
	in := func(w string, group []string) bool {
		return slices.ContainsFunc(group, func(g string) bool { return ix.same(w, g) })
	}
scan:
	for i, w := range ws {
		if !in(w, n.Words[0]) {
			continue
		}
		lo, hi := max(0, i-n.Within), min(len(ws), i+n.Within+1)
		from, to := i, i
		for _, group := range n.Words[1:] {
			best := -1
			for j := lo; j < hi; j++ {
				if j != i && in(ws[j], group) && (best < 0 || abs(j-i) < abs(best-i)) {
					best = j
				}
			}
			if best < 0 {
				continue scan
			}
			from, to = min(from, best), max(to, best)
		}
		for j := lo; j < hi; j++ {
			// The whole window, in the sentence: "the passport is kept by
			// the worker at all times" keeps nothing from anyone.
			if sentence[j] == sentence[i] && in(ws[j], n.Unless) {
				continue scan
			}
		}
		if inWarning(from, to+1) {
			continue
		}
		return strings.Join(ws[from:to+1], " "), true
	}
	return "", false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
