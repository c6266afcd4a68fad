package listen

// The phrase index: every phrase of the rules by its first word, or a word
// one typo away, and the matching of a message's words against it.

import (
	"slices"
	"strings"
)

// kind says what a phrase means.
type kind int

const (
	kAnswer kind = iota
	kStrong
	kWeak
	kNotWhen
	kAlone
	kSelf
	kOther
	kQuestion
	kPayWith
	kPayHigh
	kWarning
)

type phrase struct {
	words        []string
	kind         kind
	step, choice string
}

// index finds phrases by their first word, or a word one typo away.
type index struct {
	phrases []phrase
	byFirst map[string][]int
	// fuzzy maps each one-letter deletion of a long first word to the
	// words it comes from.
	fuzzy map[string][]string
	lang  map[string]string // common word -> language
	// vocab are the words of every phrase and near rule: a word the rules
	// know is never read as a typo of another ("perawat" is a nurse, not
	// "pelawat", a visitor).
	vocab map[string]bool
}

// same reports whether the word read is the word wanted, or a typo of it.
func (ix *index) same(read, want string) bool {
	return read == want || !ix.vocab[read] && near(read, want)
}

func build(r *Rules) index {
	ix := index{byFirst: map[string][]int{}, fuzzy: map[string][]string{}, lang: map[string]string{}, vocab: map[string]bool{}}
	add := func(list []string, k kind, step, choice string) {
		for _, p := range list {
			ws := strings.Fields(p)
			if len(ws) == 0 {
				continue
			}
			for _, w := range ws {
				ix.vocab[w] = true
			}
			ix.byFirst[ws[0]] = append(ix.byFirst[ws[0]], len(ix.phrases))
			ix.phrases = append(ix.phrases, phrase{words: ws, kind: k, step: step, choice: choice})
			if len(ws[0]) >= fuzzyMin {
				for _, d := range deletes(ws[0]) {
					if !slices.Contains(ix.fuzzy[d], ws[0]) {
						ix.fuzzy[d] = append(ix.fuzzy[d], ws[0])
					}
				}
			}
		}
	}
	d := r.Distress
	add(d.Strong, kStrong, "", "")
	add(d.Weak, kWeak, "", "")
	add(d.NotWhen, kNotWhen, "", "")
	add(d.Alone, kAlone, "", "")
	add(d.Self, kSelf, "", "")
	add(d.SomeoneElse, kOther, "", "")
	add(r.Questions, kQuestion, "", "")
	add(r.Pay.With, kPayWith, "", "")
	add(r.Pay.High, kPayHigh, "", "")
	add(r.Warnings, kWarning, "", "")
	for _, step := range sortedKeys(r.Answers) {
		for _, choice := range sortedKeys(r.Answers[step]) {
			add(r.Answers[step][choice], kAnswer, step, choice)
		}
	}
	for _, lang := range sortedKeys(r.Language) {
		for _, w := range r.Language[lang] {
			ix.lang[w] = lang
			ix.vocab[w] = true // a common word is never a typo
		}
	}
	nears := append([]NearRule(nil), r.Near...)
	if r.Pay.Near != nil {
		nears = append(nears, *r.Pay.Near)
	}
	for _, n := range nears {
		for _, g := range append(n.Words, n.Unless) {
			for _, w := range g {
				ix.vocab[w] = true
			}
		}
	}
	return ix
}

// match is one phrase found at words[start:end], giving step=choice (the
// phrase's, or what its negation means).
type match struct {
	p            *phrase
	start, end   int
	step, choice string
}

// find returns every phrase found in ws, at every position.
func (ix *index) find(ws []string) []match {
	var out []match
	for i, w := range ws {
		firsts := []string{w}
		if isNumber(w) {
			firsts = append(firsts, "#")
		}
		if len(w) >= fuzzyMin && len(w) <= maxFuzzy && !ix.vocab[w] {
			for _, d := range deletes(w) {
				for _, cand := range ix.fuzzy[d] {
					if !slices.Contains(firsts, cand) && near(w, cand) {
						firsts = append(firsts, cand)
					}
				}
			}
		}
		for _, first := range firsts {
			for _, pi := range ix.byFirst[first] {
				p := &ix.phrases[pi]
				if i+len(p.words) > len(ws) {
					continue
				}
				ok := true
				for j := 1; j < len(p.words) && ok; j++ {
					ok = ix.same(ws[i+j], p.words[j]) || p.words[j] == "#" && isNumber(ws[i+j])
				}
				if ok {
					out = append(out, match{p: p, start: i, end: i + len(p.words), step: p.step, choice: p.choice})
				}
			}
		}
	}
	return out
}

// maxFuzzy is the longest word a typo is looked for in: no phrase word is
// longer, and the one-letter deletions of a long word cost its length
// squared.
const maxFuzzy = 24
