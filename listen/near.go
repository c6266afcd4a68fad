package listen

// Near rules: answers given by words close together rather than by one
// phrase.

import (
	"slices"
	"strings"
)

// typoDeletes are each word's one-letter deletions, for finding typos of
// near rules' words; nil for a word that may not be a typo.
func (ix *index) typoDeletes(ws []string) [][]string {
	dels := make([][]string, len(ws))
	for i, w := range ws {
		if len(w) >= fuzzyMin && len(w) <= maxFuzzy && !ix.vocab[w] {
			dels[i] = deletes(w)
		}
	}
	return dels
}

// nearFindings are the answers of near rules for steps no phrase answered:
// a word of each group within the rule's distance of a word of the first,
// and no unless word among them.
func (r *Rules) nearFindings(ws []string, sentence []int, dels [][]string, found []Finding, inWarning func(from, to int) bool) (out []Finding) {
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
		if span, ok := r.index.nearSpan(ws, sentence, dels, n, inWarning); ok {
			out = append(out, Finding{Step: n.step, Choice: n.choice, Said: span})
		}
	}
	return out
}

// nearSpan finds a near rule's words in ws: a word of each group within
// the rule's distance of a word of the first, no unless word among them
// (or two words around), and not in a sentence that warns. It returns the
// words from the first to the last found.
func (ix *index) nearSpan(ws []string, sentence []int, dels [][]string, n NearRule, inWarning func(from, to int) bool) (string, bool) {
	// Which group each word is in, once: the scan below looks at each
	// word up to twice the rule's distance times.
	in := make([]uint64, len(ws)) // bit g: group g; bit 63: unless
	for i, w := range ws {
		for g, set := range n.groups {
			if set.has(w, dels[i]) {
				in[i] |= 1 << g
			}
		}
		if n.unless.has(w, dels[i]) {
			in[i] |= 1 << 63
		}
	}
scan:
	for i := range ws {
		if in[i]&1 == 0 {
			continue
		}
		lo, hi := max(0, i-n.Within), min(len(ws), i+n.Within+1)
		from, to := i, i
		for g := 1; g < len(n.groups); g++ {
			best := -1
			for j := lo; j < hi; j++ {
				if j != i && in[j]&(1<<g) != 0 && (best < 0 || abs(j-i) < abs(best-i)) {
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
			if sentence[j] == sentence[i] && in[j]&(1<<63) != 0 {
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
