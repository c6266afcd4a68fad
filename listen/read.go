package listen

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/selfcheck-id/selfcheck/flows"
)

// Reading is what one message says. It holds no text of the message but
// the few words that gave each answer, for saying back what was found.
type Reading struct {
	// Lang is the message's language ("id", "en"), or "" when unclear.
	Lang string
	// Distress: someone is in danger now. Who is "self" (the writer),
	// "other" (someone they know) or "" when the message does not say.
	Distress bool
	Who      string
	// Question: the message asks whether an offer or a company can be
	// trusted. Link: it holds a link, which the bot cannot open.
	Question, Link bool
	// Words is how many words the message has.
	Words int
	// Found are the answers the message gives, in the flow's order of
	// steps, one per step.
	Found []Finding
}

// MaxSaid caps the words quoted back for one answer.
const MaxSaid = 60

// Finding is one answer a message gives.
type Finding struct {
	Step, Choice string
	// Said are the message's words that gave it (lowercased), for "From
	// your message: Cambodia (\"sihanoukville\")".
	Said string
}

// Answer returns the choice found for step, or "".
func (rd Reading) Answer(step string) string {
	for _, f := range rd.Found {
		if f.Step == step {
			return f.Choice
		}
	}
	return ""
}

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

var linkRe = regexp.MustCompile(`(?i)https?://|www\.|\b(t\.me|wa\.me|bit\.ly|s\.id|linktr\.ee|forms\.gle)/`)

// Read reads one message. It is pure: the same rules and text always give
// the same reading.
func (r *Rules) Read(text string, f *flows.Flow) Reading {
	ws, sentence := words(text, r.Spelling)
	rd := Reading{Words: len(ws), Link: linkRe.MatchString(text)}
	rd.Lang = r.language(ws)
	matches := r.index.find(ws)

	// A sentence that warns ("jangan percaya yang minta bayar 30jt",
	// "we never ask for money through personal accounts") states no
	// answer: it describes what a scam does.
	warned := map[int]bool{}
	for _, m := range matches {
		if m.p.kind == kWarning {
			warned[sentence[m.start]] = true
		}
	}
	inWarning := func(from, to int) bool {
		for i := from; i < to; i++ {
			if warned[sentence[i]] {
				return true
			}
		}
		return false
	}
	var strong, weak, notWhen, alone, self, other bool
	var payWith, payHigh string
	var answers []match
	for _, m := range matches {
		switch m.p.kind {
		case kStrong:
			strong = strong || !r.negatedAt(ws, sentence, m.start, 3) // "paspor tidak ditahan"
		case kWeak:
			weak = weak || !r.negatedAt(ws, sentence, m.start, 3)
		case kNotWhen:
			notWhen = true
		case kAlone:
			// "Tolong!", "help pls": the phrase and at most two more words.
			alone = alone || len(ws) <= len(m.p.words)+2
		case kSelf:
			self = true
		case kOther:
			other = true
		case kQuestion:
			rd.Question = true
		case kPayWith:
			payWith = strings.Join(ws[m.start:m.end], " ")
		case kPayHigh:
			payHigh = strings.Join(ws[m.start:m.end], " ")
		case kAnswer:
			if inWarning(m.start, m.end) {
				continue
			}
			if r.negated(ws, sentence, m) {
				// "TIDAK dipotong gaji": not a debt; for fees, no cost.
				m.choice = r.Negation.Means[m.step]
				if m.choice == "" {
					continue
				}
			}
			answers = append(answers, m)
		}
	}
	for _, n := range r.Distress.Near {
		if _, ok := r.index.nearSpan(ws, sentence, n, inWarning); ok {
			weak = true
		}
	}
	rd.Distress = strong || (alone || weak) && !notWhen
	switch {
	case other:
		rd.Who = "other"
	case self || strong:
		// "Trapped in Cambodia": a strong cry names no one else, so it
		// is the writer's; a bare "tolong" does not say.
		rd.Who = "self"
	}
	rd.Found = r.resolve(answers, ws, f)
	for _, nf := range r.nearFindings(ws, sentence, rd.Found, inWarning) {
		// A near rule answers a step no phrase did, or replaces the
		// answer it is over ("visa kerja ... setelah sampai").
		rd.Found = slices.DeleteFunc(rd.Found, func(f Finding) bool { return f.Step == nf.Step })
		rd.Found = append(rd.Found, nf)
	}
	pay, said := r.readWage(text, warned)
	if !pay && payHigh != "" {
		pay, said = true, payHigh
	}
	if payWith == "" && r.Pay.Near != nil {
		if span, ok := r.index.nearSpan(ws, sentence, *r.Pay.Near, inWarning); ok {
			payWith = span
		}
	}
	if pay && payWith != "" && r.Pay.Step != "" && rd.Answer(r.Pay.Step) == "" {
		rd.Found = append(rd.Found, Finding{Step: r.Pay.Step, Choice: r.Pay.Choice, Said: said + ", " + payWith})
	}
	if r.Age.Step != "" && rd.Answer(r.Age.Step) == "" {
		if choice, words := r.age(ws, f); choice != "" {
			rd.Found = append(rd.Found, Finding{Step: r.Age.Step, Choice: choice, Said: words})
		}
	}
	rd.Found = r.implied(rd.Found)
	rd.Found = inFlowOrder(rd.Found, f)
	for i := range rd.Found {
		if s := []rune(rd.Found[i].Said); len(s) > MaxSaid {
			rd.Found[i].Said = string(s[:MaxSaid]) + "…"
		}
	}
	return rd
}

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

// readWage reads promised pay sentence by sentence: not in a sentence that
// warns ("jangan percaya gaji 30 juta"), and only where a word says it is
// a wage, not a fee ("biaya pendaftaran 20 juta").
func (r *Rules) readWage(text string, warned map[int]bool) (bool, string) {
	for i, s := range sentences(text) {
		if warned[i] {
			continue
		}
		ws, _ := words(s, r.Spelling)
		if !slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(r.Pay.Wage, w) }) {
			continue
		}
		if ok, said := readPay(s, r.Pay.Minimum); ok {
			return true, said
		}
	}
	return false, ""
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

// age finds an age said in ws and the choice of the age step it picks.
func (r *Rules) age(ws []string, f *flows.Flow) (choice, words string) {
	s := f.Steps[r.Age.Step]
	for i, w := range ws {
		if !isNumber(w) || len(w) > 3 {
			continue
		}
		if i+1 < len(ws) && isNumber(ws[i+1]) || i > 0 && isNumber(ws[i-1]) {
			continue // "18 35": a range asked for, not an age
		}
		before := i > 0 && slices.Contains(r.Age.Before, ws[i-1]) ||
			i > 1 && slices.Contains(r.Age.Before, ws[i-2]) && !isNumber(ws[i-1])
		after := i+1 < len(ws) && slices.Contains(r.Age.After, ws[i+1])
		if !before && !after {
			continue
		}
		n, _ := strconv.Atoi(w)
		for _, c := range s.Choices {
			if len(c.Range) == 2 && n >= c.Range[0] && n <= c.Range[1] {
				from, to := max(0, i-1), min(len(ws), i+2)
				return c.ID, strings.Join(ws[from:to], " ")
			}
		}
	}
	return "", ""
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
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

// language names the language most of the message's common words belong
// to: at least two of them, and more than of any other language.
func (r *Rules) language(ws []string) string {
	count := map[string]int{}
	for _, w := range ws {
		if l, ok := r.index.lang[w]; ok {
			count[l]++
		}
	}
	best, n, tie := "", 0, false
	for _, l := range sortedKeys(count) {
		switch c := count[l]; {
		case c > n:
			best, n, tie = l, c, false
		case c == n:
			tie = true
		}
	}
	// Two common words at least: "help" alone is no reason to answer in
	// English someone who chose Indonesian.
	if tie || n < 2 {
		return ""
	}
	return best
}

// Suggestions are the answers a message gives to an offer check: those
// outside the emergency path.
func (r *Rules) Suggestions(rd Reading) []Finding {
	var out []Finding
	for _, f := range rd.Found {
		if !slices.Contains(r.Emergency, f.Step) {
			out = append(out, f)
		}
	}
	return out
}

// EmergencyAnswers are the answers a cry for help gives to the emergency
// path, in its order: who is in danger, then the country (named as an
// emergency answer, or as the offer's destination).
func (r *Rules) EmergencyAnswers(rd Reading, f *flows.Flow) []flows.Answer {
	var out []flows.Answer
	if rd.Who != "" {
		out = append(out, flows.Answer{Step: r.Distress.Who, Choice: rd.Who})
	}
	country := rd.Answer(r.EmergencyCountry)
	if country == "" && f.Country != "" {
		country = rd.Answer(f.Country)
	}
	if s := f.Steps[r.EmergencyCountry]; s != nil && s.Choice(country) != nil {
		out = append(out, flows.Answer{Step: r.EmergencyCountry, Choice: country})
	}
	return out
}
