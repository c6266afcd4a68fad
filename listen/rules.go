// Package listen reads what people type, paste or forward: a job ad, a
// recruiter's message, a cry for help, a question. It finds the answers a
// message already gives to the check's questions, whether it asks for help
// now, and whether it asks "is this safe?". The rules are data
// (flows/listen.yaml), validated against the flow like the flow itself; the
// reading is pure and keeps nothing of the text.
package listen

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
)

// MaxFile is the largest rules file read: the rules are a few hundred
// phrases, and a larger file is a mistake, not a rule set.
const MaxFile = 1 << 20

// Rules are the reading rules, as written in the YAML file, and the index
// built from them.
type Rules struct {
	// Spelling maps informal spellings to the word the phrases use
	// ("gk" -> "gak", "tdk" -> "tidak"), applied to every word read.
	Spelling map[string]string `yaml:"spelling"`
	// Language lists common words of each language, to tell which one a
	// message is written in.
	Language map[string][]string `yaml:"language"`
	Distress Distress            `yaml:"distress"`
	// Warnings are phrases of a sentence that warns against scams ("jangan
	// percaya", "we never ask"): answers in that sentence do not count.
	Warnings []string `yaml:"warnings"`
	// Questions are phrases that ask whether an offer or company can be
	// trusted ("aman gak", "is this legit").
	Questions []string `yaml:"questions"`
	// Answers: step id -> choice id -> phrases that give that answer.
	Answers map[string]map[string][]string `yaml:"answers"`
	// Pay reads a promised wage: high pay with light requirements picks
	// an answer.
	Pay Pay `yaml:"pay"`
	// Age reads an age said in the message.
	Age Age `yaml:"age"`
	// EmergencyCountry is the emergency question on the country: a place
	// named in a cry for help picks its choice with the same id as the
	// destination's.
	EmergencyCountry string `yaml:"emergency_country"`
	// Emergency are the steps of the emergency path: their answers are
	// used for a cry for help only, never suggested in an offer check.
	Emergency []string `yaml:"emergency_steps"`
	// Summary names answers whose label says little alone ("Yes") when
	// the bot says what it read: step -> choice -> message ID.
	Summary map[string]map[string]string `yaml:"summary"`
	// Prefer breaks ties when a message gives several answers to one
	// question as often: step -> choices, first wins ("CS casino":
	// gambling; Cambodia and Bangkok: Cambodia, Thailand being the usual
	// way there).
	Prefer map[string][]string `yaml:"prefer"`
	// MentionFirst: for these questions, when any of the listed answers
	// (step=choice) is read too, the answer named first in the message
	// wins: "Kuala Lumpur first, then moved to Cambodia" is about Malaysia.
	MentionFirst map[string][]string `yaml:"mention_first"`
	// KeepInside are questions whose answers count even inside a longer
	// phrase of another question: a channel named in "telegram only" is
	// still where the offer came from.
	KeepInside []string `yaml:"keep_inside"`
	// Imply adds an answer when others were read: step -> choice -> the
	// answers (step -> choices) that must all be among those read.
	Imply map[string]map[string]map[string][]string `yaml:"imply"`
	// Near are answers given by words close together rather than by one
	// phrase: "paspor ... dipegang", "ticket ... deducted from salary".
	Near []NearRule `yaml:"near"`
	// Negation: an answer phrase just after one of these words does not
	// count ("TIDAK dipotong gaji"), or means the step's Means choice.
	Negation Negation `yaml:"negation"`
	// Combine picks one choice when several are found together: step ->
	// choice -> the choices it stands for (fees: both: [fee, debt]).
	Combine map[string]map[string][]string `yaml:"combine"`

	file  string
	index index
	// numbers is true when a rule names a word of one to three digits:
	// then a choice number is read in full, not skipped (see Read).
	numbers bool
}

// Distress says how a cry for help reads.
type Distress struct {
	// Strong phrases always mean someone is in danger now ("disekap").
	Strong []string `yaml:"strong"`
	// Weak phrases ask for help ("tolong saya", "help me"), unless the
	// message asks to check something (NotWhen).
	Weak    []string `yaml:"weak"`
	NotWhen []string `yaml:"not_when"`
	// Alone phrases mean help only as (nearly) the whole message:
	// "tolong" alone is a cry, "tolong cek lowongan ini" is "please".
	Alone []string `yaml:"alone"`
	// Self and SomeoneElse tell who is in danger: the writer ("saya") or
	// someone they know ("adik saya").
	Self        []string `yaml:"self"`
	SomeoneElse []string `yaml:"someone_else"`
	// Who is the emergency question on who is in danger; its choices
	// "self" and "other" are picked by the phrases above.
	Who string `yaml:"who"`
	// Near are cries for help said in words close together ("mau pulang
	// tapi gak boleh", "tolong ... myawaddy"): weak ones, unless NotWhen.
	Near []NearRule `yaml:"near"`
}

// Age reads an age said in a message ("anak saya umur 16", "my son (17)",
// "usia 19 thn"): a number right after Before words or right before After
// words picks the choice of Step whose range holds it. Two numbers in a
// row are a range ("usia 18-35"), a requirement, not an age.
type Age struct {
	Step   string   `yaml:"step"`
	Before []string `yaml:"before"`
	After  []string `yaml:"after"`
}

// NearRule gives an answer when a word of every group comes within Within
// words of a word of the first group, and no Unless word is among them.
type NearRule struct {
	Give   string     `yaml:"give"` // step=choice
	Words  [][]string `yaml:"words"`
	Within int        `yaml:"within"`
	Unless []string   `yaml:"unless"`
	// Over are answers read from phrases that this rule replaces: "visa
	// kerja ... diurus setelah sampai" is a work visa promised for later.
	Over []string `yaml:"over"`

	step, choice string
	// groups and unless are Words and Unless as sets, built once.
	groups []wordSet
	unless wordSet
}

// wordSet finds a word, or a typo of one, among a near rule's words in
// map lookups: reading a long message stays fast.
type wordSet struct {
	exact map[string]bool
	typos map[string][]string // one-letter deletion -> words of the set
}

func newWordSet(words []string) wordSet {
	ws := wordSet{exact: map[string]bool{}, typos: map[string][]string{}}
	for _, w := range words {
		ws.exact[w] = true
		if len(w) >= fuzzyMin {
			for _, d := range deletes(w) {
				ws.typos[d] = append(ws.typos[d], w)
			}
		}
	}
	return ws
}

// has reports whether w is in the set, or a typo of a word in it; dels
// are w's one-letter deletions, nil when w may not be a typo (a word the
// rules know, too short or too long).
func (s wordSet) has(w string, dels []string) bool {
	if s.exact[w] {
		return true
	}
	for _, d := range dels {
		for _, cand := range s.typos[d] {
			if near(w, cand) {
				return true
			}
		}
	}
	return false
}

// compile builds the rule's word sets.
func (n *NearRule) compile() {
	n.groups = make([]wordSet, len(n.Words))
	for i, g := range n.Words {
		n.groups[i] = newWordSet(g)
	}
	n.unless = newWordSet(n.Unless)
}

// Negation says which words undo the phrase after them.
type Negation struct {
	Words  []string `yaml:"words"`
	Within int      `yaml:"within"`
	// After: a negation word this many words after the phrase undoes it
	// too ("biaya penempatan tidak dibebankan"), for the steps of Means.
	After int               `yaml:"after"`
	Means map[string]string `yaml:"means"` // step -> the choice a negated answer means
}

// Pay reads amounts of money: "gaji 12 juta", "Rp 15.000.000", "USD 1,000",
// "$1000", "1000 dolar".
type Pay struct {
	// Step and Choice are the answer high pay with light requirements
	// gives (salary: high).
	Step   string `yaml:"step"`
	Choice string `yaml:"choice"`
	// Minimum a month, by currency (idr, usd), from which pay is high.
	Minimum map[string]float64 `yaml:"minimum"`
	// With are phrases of light requirements ("tanpa pengalaman", "cukup
	// bisa mengetik"); high pay alone is no sign, many real jobs pay well.
	With []string `yaml:"with"`
	// High are words that promise high pay without an amount ("gaji
	// besar"), read like an amount over the minimum.
	High []string `yaml:"high"`
	// Near reads light requirements said in other words, like a near
	// rule without an answer of its own.
	Near *NearRule `yaml:"near"`
	// Wage are words that say an amount is pay: an amount counts only in
	// a sentence with one ("gaji", "salary", "per month"), not a fee.
	Wage []string `yaml:"wage"`
}

// A phrase is lowercase words; "#" stands for any number ("# hari lagi").
var phraseRe = regexp.MustCompile(`^([a-z0-9]+|#)( ([a-z0-9]+|#))*$`)

// Parse reads and validates a rules file against the served flow. Every
// problem comes with file:line:column.
func Parse(file string, data []byte, f *flows.Flow) (*Rules, yamlcheck.Problems) {
	if len(data) > MaxFile {
		return nil, yamlcheck.Problems{{File: file, Msg: fmt.Sprintf("the file is %d bytes; a rules file is at most %d", len(data), MaxFile)}}
	}
	root, ps := yamlcheck.Parse(file, data)
	if ps != nil {
		return nil, ps
	}
	r := &Rules{file: file}
	if ps := yamlcheck.Decode(file, root, r); ps != nil {
		return nil, ps
	}
	ps = r.validate(root, f)
	if len(ps) > 0 {
		ps.Sort()
		return nil, ps
	}
	for i := range r.Near {
		r.Near[i].compile()
	}
	for i := range r.Distress.Near {
		r.Distress.Near[i].compile()
	}
	if r.Pay.Near != nil {
		r.Pay.Near.compile()
	}
	r.index = build(r)
	r.numbers = namesNumbers(reflect.ValueOf(*r))
	return r, nil
}

// namesNumbers reports whether any text of the rules (every string field,
// list, map key and value, however deep) has a word of one to three
// digits.
func namesNumbers(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		for _, w := range strings.Fields(v.String()) {
			if isChoiceNumber(w) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && namesNumbers(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if namesNumbers(v.Index(i)) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if namesNumbers(it.Key()) || namesNumbers(it.Value()) {
				return true
			}
		}
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && namesNumbers(v.Elem())
	}
	return false
}

// validate checks the rules against the flow: every step and choice named
// exists, every phrase is plain lowercase words, no phrase gives two
// answers to one question.
func (r *Rules) validate(root *yaml.Node, f *flows.Flow) yamlcheck.Problems {
	var ps yamlcheck.Problems
	at := func(path ...any) *yaml.Node { return yamlcheck.Lookup(root, path...) }
	phrases := func(list []string, path ...any) {
		for i, p := range list {
			if !phraseRe.MatchString(p) {
				ps.Add(r.file, at(append(path, i)...), "phrase %q: write lowercase letters and digits, words separated by one space (matching ignores case, accents and punctuation)", p)
			}
		}
	}
	words := func(list []string, path ...any) {
		for i, w := range list {
			if !phraseRe.MatchString(w) || strings.Contains(w, " ") || w == "#" {
				ps.Add(r.file, at(append(path, i)...), "%q: write one lowercase word", w)
			}
		}
	}
	for _, w := range sortedKeys(r.Spelling) {
		if !phraseRe.MatchString(w) || strings.ContainsAny(w, " #") || !phraseRe.MatchString(r.Spelling[w]) {
			ps.Add(r.file, at("spelling", w), "spelling %q -> %q: one lowercase word to lowercase words", w, r.Spelling[w])
		}
	}
	for _, lang := range sortedKeys(r.Language) {
		phrases(r.Language[lang], "language", lang)
	}
	d := r.Distress
	phrases(d.Strong, "distress", "strong")
	phrases(d.Weak, "distress", "weak")
	phrases(d.NotWhen, "distress", "not_when")
	phrases(d.Alone, "distress", "alone")
	phrases(d.Self, "distress", "self")
	phrases(d.SomeoneElse, "distress", "someone_else")
	phrases(r.Questions, "questions")
	for i, n := range d.Near {
		if len(n.Words) < 2 || n.Within < 1 {
			ps.Add(r.file, at("distress", "near", i), "a near rule needs at least two groups of words and within of 1 or more")
		}
		for j, g := range n.Words {
			words(g, "distress", "near", i, "words", j)
		}
		words(n.Unless, "distress", "near", i, "unless")
	}
	if r.Age.Step != "" {
		s := f.Steps[r.Age.Step]
		ranged := s != nil && slices.ContainsFunc(s.Choices, func(c *flows.Choice) bool { return len(c.Range) == 2 })
		if !ranged {
			ps.Add(r.file, at("age", "step"), "age.step %q must be a step of flow %s with choices that have a range", r.Age.Step, f.ID)
		}
		words(r.Age.Before, "age", "before")
		words(r.Age.After, "age", "after")
	}
	phrases(r.Warnings, "warnings")
	if len(d.Strong) == 0 {
		ps.Add(r.file, at("distress"), "distress needs strong phrases: a cry for help must always reach the emergency screen")
	}
	if s := f.Steps[d.Who]; s == nil || s.Choice("self") == nil || s.Choice("other") == nil {
		ps.Add(r.file, at("distress", "who"), "distress.who %q must be a step of flow %s with choices self and other", d.Who, f.ID)
	}
	if r.EmergencyCountry != "" && f.Steps[r.EmergencyCountry] == nil {
		ps.Add(r.file, at("emergency_country"), "emergency_country %q is not a step of flow %s", r.EmergencyCountry, f.ID)
	}
	for i, id := range r.Emergency {
		if f.Steps[id] == nil {
			ps.Add(r.file, at("emergency_steps", i), "emergency step %q is not a step of flow %s", id, f.ID)
		}
	}
	seen := map[string]map[string]string{} // step -> phrase -> choice
	for _, step := range sortedKeys(r.Answers) {
		s := f.Steps[step]
		if s == nil {
			ps.Add(r.file, at("answers", step, yamlcheck.KeyOf), "step %q is not in flow %s", step, f.ID)
			continue
		}
		seen[step] = map[string]string{}
		for _, choice := range sortedKeys(r.Answers[step]) {
			if s.Choice(choice) == nil {
				ps.Add(r.file, at("answers", step, choice, yamlcheck.KeyOf), "step %q has no choice %q", step, choice)
				continue
			}
			list := r.Answers[step][choice]
			phrases(list, "answers", step, choice)
			for i, p := range list {
				if other, dup := seen[step][p]; dup && other != choice {
					ps.Add(r.file, at("answers", step, choice, i), "phrase %q gives two answers to %s: %s and %s", p, step, other, choice)
				}
				seen[step][p] = choice
			}
		}
	}
	for i := range r.Near {
		n := &r.Near[i]
		step, choice, _ := strings.Cut(n.Give, "=")
		if s := f.Steps[step]; s == nil || s.Choice(choice) == nil {
			ps.Add(r.file, at("near", i, "give"), "near gives %q, which flow %s does not have (write step=choice)", n.Give, f.ID)
		}
		n.step, n.choice = step, choice
		if len(n.Words) < 2 || n.Within < 1 {
			ps.Add(r.file, at("near", i), "a near rule needs at least two groups of words and within of 1 or more")
		}
		for j, g := range n.Words {
			words(g, "near", i, "words", j)
		}
		words(n.Unless, "near", i, "unless")
	}
	words(r.Negation.Words, "negation", "words")
	for _, step := range sortedKeys(r.Negation.Means) {
		if s := f.Steps[step]; s == nil || s.Choice(r.Negation.Means[step]) == nil {
			ps.Add(r.file, at("negation", "means", step), "negation means %s=%s, which flow %s does not have", step, r.Negation.Means[step], f.ID)
		}
	}
	for _, step := range sortedKeys(r.Prefer) {
		for i, choice := range r.Prefer[step] {
			if s := f.Steps[step]; s == nil || s.Choice(choice) == nil {
				ps.Add(r.file, at("prefer", step, i), "prefer names %s=%s, which flow %s does not have", step, choice, f.ID)
			}
		}
	}
	for _, step := range sortedKeys(r.Imply) {
		for _, choice := range sortedKeys(r.Imply[step]) {
			if s := f.Steps[step]; s == nil || s.Choice(choice) == nil {
				ps.Add(r.file, at("imply", step, choice), "imply names %s=%s, which flow %s does not have", step, choice, f.ID)
				continue
			}
			for _, dep := range sortedKeys(r.Imply[step][choice]) {
				for _, c := range r.Imply[step][choice][dep] {
					if s := f.Steps[dep]; s == nil || s.Choice(c) == nil {
						ps.Add(r.file, at("imply", step, choice, dep), "imply names %s=%s, which flow %s does not have", dep, c, f.ID)
					}
				}
			}
		}
	}
	for _, step := range sortedKeys(r.MentionFirst) {
		if f.Steps[step] == nil {
			ps.Add(r.file, at("mention_first", step, yamlcheck.KeyOf), "mention_first names step %q, which flow %s does not have", step, f.ID)
		}
		for i, a := range r.MentionFirst[step] {
			st, c, _ := strings.Cut(a, "=")
			if s := f.Steps[st]; s == nil || s.Choice(c) == nil {
				ps.Add(r.file, at("mention_first", step, i), "mention_first names %q, which flow %s does not have (write step=choice)", a, f.ID)
			}
		}
	}
	for _, step := range sortedKeys(r.Summary) {
		s := f.Steps[step]
		for _, choice := range sortedKeys(r.Summary[step]) {
			if s == nil || s.Choice(choice) == nil {
				ps.Add(r.file, at("summary", step, choice), "summary names %s=%s, which flow %s does not have", step, choice, f.ID)
			}
		}
	}
	for _, step := range sortedKeys(r.Combine) {
		s := f.Steps[step]
		for _, choice := range sortedKeys(r.Combine[step]) {
			if s == nil || s.Choice(choice) == nil {
				ps.Add(r.file, at("combine", step, choice), "combine names %s=%s, which flow %s does not have", step, choice, f.ID)
				continue
			}
			for i, part := range r.Combine[step][choice] {
				if s.Choice(part) == nil {
					ps.Add(r.file, at("combine", step, choice, i), "combine names choice %q, which step %s does not have", part, step)
				}
			}
		}
	}
	if r.Pay.Step != "" {
		if s := f.Steps[r.Pay.Step]; s == nil || s.Choice(r.Pay.Choice) == nil {
			ps.Add(r.file, at("pay"), "pay gives %s=%s, which flow %s does not have", r.Pay.Step, r.Pay.Choice, f.ID)
		}
		for _, cur := range sortedKeys(r.Pay.Minimum) {
			if _, ok := currencies[cur]; !ok || r.Pay.Minimum[cur] <= 0 {
				ps.Add(r.file, at("pay", "minimum", cur), "pay minimum: a currency (%s) with an amount above 0", strings.Join(sortedKeys(currencies), ", "))
			}
		}
		phrases(r.Pay.High, "pay", "high")
		words(r.Pay.Wage, "pay", "wage")
		if n := r.Pay.Near; n != nil {
			if len(n.Words) < 2 || n.Within < 1 {
				ps.Add(r.file, at("pay", "near"), "pay.near needs at least two groups of words and within of 1 or more")
			}
			for j, g := range n.Words {
				words(g, "pay", "near", "words", j)
			}
			words(n.Unless, "pay", "near", "unless")
		}
		phrases(r.Pay.With, "pay", "with")
	}
	return ps
}

// MessageIDs are the messages the rules name (Summary): the locale files
// must have them in every language.
func (r *Rules) MessageIDs() []string {
	var ids []string
	for _, step := range sortedKeys(r.Summary) {
		for _, choice := range sortedKeys(r.Summary[step]) {
			ids = append(ids, r.Summary[step][choice])
		}
	}
	return ids
}

// SummaryID is the message that names an answer in a summary, or "" to use
// its label.
func (r *Rules) SummaryID(step, choice string) string { return r.Summary[step][choice] }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
