package flows

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/selfcheck-id/selfcheck/internal/tglimit"
	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
)

// Messages is what validation needs to know of the locale files.
type Messages interface {
	Languages() []string
	Has(lang, id string) bool
	Keys(lang string) []string
	// Pos is where a message is defined, for "nothing uses it" problems.
	Pos(lang, id string) yamlcheck.Problem
	// Text is the message as users read it (id itself, not a variant, when
	// other is false), for the length rules.
	Text(lang, id string, other bool, data map[string]any) string
}

const (
	// MaxMessage is Telegram's limit on one message, in UTF-16 code units
	// (the way Telegram counts characters). Rendering adds to a message, so
	// the content checks also measure whole rendered messages.
	MaxMessage = tglimit.Message
	// MaxQuestion keeps each question short enough to read on a phone.
	MaxQuestion = 400
)

// TextLen is the length of s as Telegram counts it (tglimit.Len).
func TextLen(s string) int { return tglimit.Len(s) }

var idRe = regexp.MustCompile(`^[a-z0-9_]+$`)

// checker carries one flow's validation; each method checks one rule family.
type checker struct {
	set  *Set
	f    *Flow
	root *yamlcheck.Index
	msgs Messages
	used map[string]bool // message IDs the flow names
	ps   *yamlcheck.Problems
	// close are the ids near each misspelt one, closest first (closeTo).
	close map[string][]string
}

func (c *checker) at(path ...any) *yaml.Node { return c.root.Lookup(path...) }

func (c *checker) add(n *yaml.Node, format string, args ...any) {
	c.ps.Add(c.f.File, n, format, args...)
}

// Validate cross-checks a loaded set: references between steps, flags,
// contacts and messages, reachability, loops, callback data sizes and the
// contact directory's rules. codeIDs are message IDs the program itself uses.
// It returns every problem, sorted by file and line.
func Validate(set *Set, msgs Messages, codeIDs []string) yamlcheck.Problems {
	var ps yamlcheck.Problems
	used := map[string]bool{}
	for _, id := range codeIDs {
		used[id] = true
	}
	checkers := make([]*checker, 0, len(set.Flows))
	for _, id := range set.IDs() {
		f := set.Flows[id]
		c := &checker{set: set, f: f, root: set.roots[f], msgs: msgs, used: used, ps: &ps, close: map[string][]string{}}
		c.limits()
		checkers = append(checkers, c)
	}
	if len(ps) > 0 {
		// The rest would take long and bury these.
		ps.Sort()
		return ps
	}
	for _, c := range checkers {
		c.header()
		c.flags()
		c.bands()
		c.steps()
		c.advice()
		c.graph()
	}
	validateContacts(set, msgs.Languages(), &ps)
	validateMessages(msgs, used, codeIDs, &ps)
	ps.Sort()
	return ps
}

// msg checks that a message ID exists in every language.
func (c *checker) msg(n *yaml.Node, id, what string) {
	if id == "" {
		c.add(n, "%s has no message ID", what)
		return
	}
	c.used[id] = true
	for _, lang := range c.msgs.Languages() {
		if !c.msgs.Has(lang, id) {
			c.add(n, "message %q (%s) is missing in the %q locale file", id, what, lang)
		}
	}
}

func (c *checker) contact(n *yaml.Node, id string) {
	ct, ok := c.set.Contacts[id]
	switch {
	case !ok:
		c.add(n, "contact %q is not in the contact directory (%s)", id, ContactsFile)
	case ct.Disabled != "":
		c.add(n, "contact %q is disabled (%s) and must not be shown", id, ct.Disabled)
	}
}

func (c *checker) header() {
	f := c.f
	if f.Version < 1 {
		c.add(c.at("version"), "version must be a whole number from 1 up")
	}
	if f.Start == "" || f.Steps[f.Start] == nil {
		c.add(c.at("start"), "start step %q does not exist", f.Start)
	}
	if f.Emergency != "" && f.Steps[f.Emergency] == nil {
		c.add(c.at("emergency"), "emergency step %q does not exist", f.Emergency)
	}
	for i, id := range f.Result.Contacts {
		c.contact(c.at("result", "contacts", i), id)
	}
	for i, id := range f.HelpNow {
		c.contact(c.at("help_now", i), id)
	}
	if f.Result.Figure != "" {
		c.msg(c.at("result", "figure"), f.Result.Figure, "result figure")
	}
	if f.Result.StrongWeight < 0 {
		c.add(c.at("result", "strong_weight"), "strong_weight cannot be negative")
	}
	if f.Country != "" && f.Steps[f.Country] == nil {
		c.add(c.at("country"), "country names step %q, which does not exist", f.Country)
	}
}

func (c *checker) flags() {
	raised := map[string]bool{}
	for _, s := range c.f.Steps {
		for _, ch := range s.Choices {
			for _, fl := range ch.Flags {
				raised[fl] = true
			}
		}
	}
	for _, id := range sortedIDs(c.f.Flags) {
		fl := c.f.Flags[id]
		n := c.at("flags", id, yamlcheck.KeyOf)
		if !idRe.MatchString(id) {
			c.add(n, "flag id %q may only use a-z, 0-9 and _", id)
		}
		if fl.Weight < 0 {
			c.add(c.at("flags", id, "weight"), "flag %q has a negative weight", id)
		}
		switch {
		case fl.Indicator == "":
			c.add(n, "flag %q has no ILO indicator", id)
		case !slices.Contains(Indicators, fl.Indicator):
			c.add(c.at("flags", id, "indicator"), "indicator %q of flag %q is not one of the ILO's eleven: %s", fl.Indicator, id, strings.Join(Indicators, ", "))
		default:
			c.msg(c.at("flags", id, "indicator"), IndicatorMessage(fl.Indicator), "name of ILO indicator "+fl.Indicator)
		}
		c.msg(n, fl.Reason, "reason of flag "+id)
		if !raised[id] {
			c.add(n, "flag %q is never raised by any choice", id)
		}
	}
}

func (c *checker) bands() {
	if len(c.f.Bands) == 0 {
		c.add(c.root.Root(), "the flow has no verdict bands")
	}
	seen := map[string]bool{}
	for i, b := range c.f.Bands {
		n := c.at("bands", i)
		if b.ID == "" || seen[b.ID] {
			c.add(n, "band %d needs an id of its own (got %q)", i+1, b.ID)
		}
		seen[b.ID] = true
		if i == 0 && b.Min != 0 {
			c.add(c.at("bands", i, "min"), "the first band must start at min: 0")
		}
		if i > 0 && b.Min <= c.f.Bands[i-1].Min {
			c.add(c.at("bands", i, "min"), "band %q must start above band %q (min %d)", b.ID, c.f.Bands[i-1].ID, c.f.Bands[i-1].Min)
		}
		c.msg(n, b.Text, "text of band "+b.ID)
		if b.Headline != "" {
			c.msg(c.at("bands", i, "headline"), b.Headline, "headline of band "+b.ID)
		}
		for j, st := range b.Steps {
			c.msg(c.at("bands", i, "steps", j), st, "next step of band "+b.ID)
		}
		for j, id := range b.Actions {
			c.msg(c.at("bands", i, "actions", j), id, "action item kept by band "+b.ID)
		}
		for j, id := range b.AnswerSteps {
			c.msg(c.at("bands", i, "answer_steps", j), id, "answer step kept by band "+b.ID)
		}
	}
}

// steps checks each step and choice on its own; graph checks how they link.
func (c *checker) steps() {
	for _, id := range c.f.StepOrder {
		s := c.f.Steps[id]
		sn := c.at("steps", id, yamlcheck.KeyOf)
		if !idRe.MatchString(id) {
			c.add(sn, "step id %q may only use a-z, 0-9 and _", id)
		}
		if id == Verdict {
			c.add(sn, "%q is reserved for the verdict and cannot be a step id", id)
		}
		tn := c.at("steps", id, "text")
		if tn == nil {
			tn = sn
		}
		c.msg(tn, s.Text, "text of step "+id)
		c.questionLength(s, sn)
		c.target(c.at("steps", id, "next"), s.Next, s.Next != "")
		for i, cid := range s.Contacts {
			c.contact(c.at("steps", id, "contacts", i), cid)
		}
		for i, cid := range s.ContactsOther {
			c.contact(c.at("steps", id, "contacts_other", i), cid)
		}
		if len(s.When) > 0 && s.Next == "" {
			c.add(c.at("steps", id, "when"), "step %q has a condition, so it needs a `next` for users it skips", id)
		}
		c.when(s.When, "steps", id, "when")
		if !s.IsEnd() && !slices.ContainsFunc(s.Choices, func(ch *Choice) bool { return len(ch.When) == 0 }) {
			c.add(sn, "every choice of step %q has a condition: give at least one none, so the question always has an answer", id)
		}
		seen := map[string]int{}
		for i, ch := range s.Choices {
			c.choice(s, i, ch, seen)
		}
	}
}

// when checks a condition on earlier answers (of a step, a choice or an
// advice case) at path: every step and choice it names exists.
func (c *checker) when(w map[string][]string, path ...any) {
	for _, dep := range sortedIDs(w) {
		wn := c.at(append(path, dep)...)
		ds := c.f.Steps[dep]
		if ds == nil {
			c.add(wn, "condition names step %q, which does not exist", dep)
			continue
		}
		for _, ch := range w[dep] {
			if ds.Choice(ch) == nil {
				c.add(wn, "condition names choice %q, which step %q does not have", ch, dep)
			}
		}
	}
}

// questionLength checks that a question, in every language and for
// someone else too (its ".other" variant), stays within MaxQuestion.
func (c *checker) questionLength(s *Step, n *yaml.Node) {
	if s.IsEnd() || s.Text == "" {
		return
	}
	for _, lang := range c.msgs.Languages() {
		for _, id := range []string{s.Text, s.Text + ".other"} {
			if !c.msgs.Has(lang, id) {
				continue
			}
			if l := TextLen(c.msgs.Text(lang, id, false, nil)); l > MaxQuestion {
				c.add(n, "the question of step %q (message %s in the %q locale file) is %d characters long; keep a question to %d so it reads well on a phone", s.ID, id, lang, l, MaxQuestion)
			}
		}
	}
}

func (c *checker) choice(s *Step, i int, ch *Choice, seen map[string]int) {
	n := c.at("steps", s.ID, "choices", i)
	where := "choice " + ch.ID + " of step " + s.ID
	switch {
	case !idRe.MatchString(ch.ID):
		c.add(n, "choice id %q may only use a-z, 0-9 and _", ch.ID)
	case seen[ch.ID] > 0:
		c.add(n, "duplicate choice id %q in step %q (first at line %d)", ch.ID, s.ID, seen[ch.ID])
	}
	seen[ch.ID] = ch.Line
	c.msg(n, ch.Text, "label of "+where)
	next := ch.NextOr(s)
	if next == "" {
		c.add(n, "%s has no `next` and the step has none to fall back on", where)
	} else {
		// A choice without its own next follows the step's, checked there.
		c.target(n, ch.Next, ch.Next != "")
	}
	for j, fl := range ch.Flags {
		if c.f.Flags[fl] == nil {
			c.add(c.at("steps", s.ID, "choices", i, "flags", j), "flag %q is not defined under `flags`", fl)
		}
	}
	for j, cid := range ch.Contacts {
		c.contact(c.at("steps", s.ID, "choices", i, "contacts", j), cid)
	}
	if ch.Means != "" && ch.Means != "yes" && ch.Means != "no" {
		c.add(c.at("steps", s.ID, "choices", i, "means"), "means must be yes or no, not %q", ch.Means)
	}
	for _, other := range s.Choices[:i] {
		if ch.Means != "" && other.Means == ch.Means {
			c.add(c.at("steps", s.ID, "choices", i, "means"), "choices %q and %q both mean %q: typed %q could not pick one", other.ID, ch.ID, ch.Means, ch.Means)
		}
	}
	if ch.Perspective != "" && ch.Perspective != "self" && ch.Perspective != "other" {
		c.add(c.at("steps", s.ID, "choices", i, "perspective"), "perspective must be self or other, not %q", ch.Perspective)
	}
	c.when(ch.When, "steps", s.ID, "choices", i, "when")
	if len(ch.Range) != 0 && (len(ch.Range) != 2 || ch.Range[0] < 0 || ch.Range[0] > ch.Range[1]) {
		c.add(c.at("steps", s.ID, "choices", i, "range"), "range must be [min, max] with 0 <= min <= max, like [18, 120]")
	}
	for _, other := range s.Choices[:i] {
		if len(ch.Range) == 2 && len(other.Range) == 2 && ch.Range[0] <= other.Range[1] && other.Range[0] <= ch.Range[1] {
			c.add(c.at("steps", s.ID, "choices", i, "range"), "the ranges of choices %q and %q overlap: a typed number could not pick one", other.ID, ch.ID)
		}
	}
	for j, id := range ch.Advice {
		an := c.at("steps", s.ID, "choices", i, "advice", j)
		c.msg(an, id, "advice step of "+where)
		if slices.Contains(c.f.LegalRoute, id) {
			c.add(an, "%s adds %s, a step of the legal route; a choice's advice is shown whatever else was answered, so legal-route steps belong in the advice cases", where, id)
		}
	}
	if ch.Name != "" {
		c.msg(c.at("steps", s.ID, "choices", i, "name"), ch.Name, "name of "+where)
	}
	if ch.Unknown && ch.Action == "" {
		c.add(n, "%s is an \"I don't know\" answer, so it needs an `action` saying how to find out", where)
	}
	if ch.Action != "" {
		c.msg(c.at("steps", s.ID, "choices", i, "action"), ch.Action, "action item of "+where)
	}
	if l := answerTokenLen(s.ID, ch.ID); l > MaxTokenBytes {
		c.add(n, "step id and choice id are too long together: the button data would be %d bytes, Telegram allows %d", l, MaxTokenBytes)
	}
}

// target checks that a `next` names a step or the verdict.
func (c *checker) target(n *yaml.Node, next string, required bool) {
	if !required {
		return
	}
	if next != Verdict && c.f.Steps[next] == nil {
		if guess := c.nearest(next, nil); guess != "" {
			c.add(n, "next %q points nowhere: no step has that id (did you mean %q?)", next, guess)
			return
		}
		c.add(n, "next %q points nowhere: no step has that id (use a step id or %q)", next, Verdict)
	}
}

// nearest returns the step id (or the verdict) that id most likely
// misspells, skipping steps in except, or "" when none is close.
func (c *checker) nearest(id string, except map[string]bool) string {
	for _, cand := range c.closeTo(id) {
		if !except[cand] {
			return cand
		}
	}
	return ""
}

const (
	// maxGuesses misspelt ids of a flow get a guess, each id once, and ids
	// up to maxGuessLen long: comparing two ids takes time that grows with
	// the product of their lengths, and a guess with every step. graph asks
	// again for every broken next each time it reaches a step.
	maxGuesses  = 200
	maxGuessLen = 64
)

// closeTo lists the step ids (and the verdict) one or two letters from id,
// closest first, then in the order of the file.
func (c *checker) closeTo(id string) []string {
	if near, ok := c.close[id]; ok {
		return near
	}
	if len(id) > maxGuessLen || len(c.close) >= maxGuesses {
		return nil
	}
	limit := max(1, min(2, len(id)/3))
	type candidate struct {
		id string
		d  int
	}
	var found []candidate
	for _, cand := range append([]string{Verdict}, c.f.StepOrder...) {
		if len(cand) > maxGuessLen || len(cand) > len(id)+limit || len(id) > len(cand)+limit {
			continue // too far apart to be a typo
		}
		if d := editDistance(id, cand); d <= limit {
			found = append(found, candidate{cand, d})
		}
	}
	slices.SortStableFunc(found, func(a, b candidate) int { return a.d - b.d })
	near := make([]string, len(found))
	for i, f := range found {
		near[i] = f.id
	}
	c.close[id] = near
	return near
}

// editDistance counts the letters to insert, delete or change to turn a
// into b (Levenshtein).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func sortedIDs[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

var (
	e164Re = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	// A local number is a short code (110, 129) or a toll-free 0800 number;
	// a mobile or landline is written in international form, so it can be
	// dialled from abroad too.
	localRe = regexp.MustCompile(`^([0-9]{3,5}|0800-[0-9]{3,8})$`)
	dateRe  = regexp.MustCompile(`^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)
)

// validateContacts checks the directory: every number dialable, every link
// one Telegram accepts, every entry sourced and dated.
func validateContacts(set *Set, langs []string, ps *yamlcheck.Problems) {
	root, file := set.contactsRoot, set.contactsFile
	if root == nil {
		return
	}
	for _, id := range sortedIDs(set.Contacts) {
		ct := set.Contacts[id]
		at := func(path ...any) *yaml.Node {
			return root.Lookup(append([]any{"contacts", id}, path...)...)
		}
		n := at(yamlcheck.KeyOf)
		for _, lang := range langs {
			if ct.Name[lang] == "" {
				ps.Add(file, n, "contact %q has no name in %q", id, lang)
			}
		}
		if ct.Source == "" {
			ps.Add(file, n, "contact %q has no source: say where its details come from", id)
		}
		if ct.Checked == "" {
			ps.Add(file, n, "contact %q has no checked date (YYYY-MM-DD)", id)
		} else if !dateRe.MatchString(ct.Checked) {
			ps.Add(file, at("checked"), "checked date %q of contact %q is not YYYY-MM-DD", ct.Checked, id)
		}
		switch ct.Confidence {
		case "confirmed", "secondary":
		case "unconfirmed":
			if ct.Disabled == "" {
				ps.Add(file, n, "contact %q is unconfirmed, so it must be disabled with a reason", id)
			}
		default:
			ps.Add(file, at("confidence"), "confidence of contact %q must be confirmed, secondary or unconfirmed", id)
		}
		if ct.Link != "" && !strings.HasPrefix(ct.Link, "https://") && !strings.HasPrefix(ct.Link, "tg://") {
			ps.Add(file, at("link"), "link %q of contact %q must start with https:// (or tg://)", ct.Link, id)
		}
		if ct.WhatsApp != "" && !e164Re.MatchString(compact(ct.WhatsApp)) {
			ps.Add(file, at("whatsapp"), "WhatsApp number %q of contact %q is not an international number like +62 811 8080 141", ct.WhatsApp, id)
		}
		for i, num := range ct.Call {
			ok := e164Re.MatchString(compact(num.Number))
			if num.Local {
				ok = localRe.MatchString(num.Number)
			}
			if !ok {
				ps.Add(file, at("call", i), "number %q of contact %q is neither international (+62 ...) nor a short or toll-free number (110, 0800-1000) marked `local: true`", num.Number, id)
			}
		}
		if len(ct.Call) == 0 && ct.WhatsApp == "" && ct.Link == "" && len(ct.Note) == 0 {
			ps.Add(file, n, "contact %q has no way to reach it (call, whatsapp, link or note)", id)
		}
	}
}

func compact(s string) string { return strings.ReplaceAll(s, " ", "") }

// validateMessages finds messages nothing uses, code messages missing from
// a language, messages too long for one Telegram message even before they
// are rendered, and ".other" variants present in one language only (flow
// messages missing from a language are reported at the flow line that names
// them). A "<id>.other" variant counts as used when <id> is.
func validateMessages(msgs Messages, used map[string]bool, codeIDs []string, ps *yamlcheck.Problems) {
	for _, lang := range msgs.Languages() {
		for _, id := range codeIDs {
			if !msgs.Has(lang, id) {
				*ps = append(*ps, yamlcheck.Problem{File: "locales/" + lang + ".yaml", Msg: "message " + id + ", which the program uses, is missing"})
			}
		}
		for _, id := range msgs.Keys(lang) {
			if l := TextLen(msgs.Text(lang, id, false, nil)); l > MaxMessage {
				p := msgs.Pos(lang, id)
				p.Msg = fmt.Sprintf("message %s is %d characters long; Telegram allows %d in one message", id, l, MaxMessage)
				*ps = append(*ps, p)
			}
			base, variant := strings.CutSuffix(id, ".other")
			if !used[base] {
				p := msgs.Pos(lang, id)
				p.Msg = "message " + id + " is not used by any flow or by the program"
				*ps = append(*ps, p)
			}
			for _, other := range msgs.Languages() {
				if variant && other != lang && !msgs.Has(other, id) {
					p := msgs.Pos(lang, id)
					p.Msg = "message " + id + " is missing in the " + other + " locale file"
					*ps = append(*ps, p)
				}
			}
		}
	}
}
