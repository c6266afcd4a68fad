package listen

import (
	"regexp"
	"slices"
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

var linkRe = regexp.MustCompile(`(?i)https?://|www\.|\b(t\.me|wa\.me|bit\.ly|s\.id|linktr\.ee|forms\.gle)/`)

// Read reads one message. It is pure: the same rules and text always give
// the same reading.
func (r *Rules) Read(text string, f *flows.Flow) Reading {
	if !r.numbers && isChoiceNumber(text) {
		// "1", "12": what most typed answers are. A number alone holds
		// no word rules without numbers look for (checked for every one:
		// TestChoiceNumbersReadAsNothing).
		return Reading{Words: 1}
	}
	return r.read(text, f)
}

// isChoiceNumber reports whether text is one to three digits.
func isChoiceNumber(text string) bool {
	if len(text) == 0 || len(text) > 3 {
		return false
	}
	for i := range len(text) {
		if text[i] < '0' || text[i] > '9' {
			return false
		}
	}
	return true
}

func (r *Rules) read(text string, f *flows.Flow) Reading {
	ws, sentence := words(text, r.Spelling)
	rd := Reading{Words: len(ws), Link: linkRe.MatchString(text)}
	rd.Lang = r.language(ws)
	matches := r.index.find(ws)
	dels := r.index.typoDeletes(ws)

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
		if _, ok := r.index.nearSpan(ws, sentence, dels, n, inWarning); ok {
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
	for _, nf := range r.nearFindings(ws, sentence, dels, rd.Found, inWarning) {
		// A near rule answers a step no phrase did, or replaces the
		// answer it is over ("visa kerja ... setelah sampai"), or joins
		// it where the two combine (a fee and a repaid ticket: both).
		if i := slices.IndexFunc(rd.Found, func(f Finding) bool { return f.Step == nf.Step }); i >= 0 {
			if both := r.combined(nf.Step, rd.Found[i].Choice, nf.Choice); both != "" {
				nf.Choice, nf.Said = both, rd.Found[i].Said+", "+nf.Said
			}
			rd.Found = slices.Delete(rd.Found, i, i+1)
		}
		rd.Found = append(rd.Found, nf)
	}
	pay, amount := r.readWage(text, warned)
	if !pay && payHigh != "" {
		pay, amount = true, payHigh
	}
	if payWith == "" && r.Pay.Near != nil {
		if span, ok := r.index.nearSpan(ws, sentence, dels, *r.Pay.Near, inWarning); ok {
			payWith = span
		}
	}
	if pay && payWith != "" && r.Pay.Step != "" && rd.Answer(r.Pay.Step) == "" {
		rd.Found = append(rd.Found, Finding{Step: r.Pay.Step, Choice: r.Pay.Choice, Said: amount + ", " + payWith})
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
