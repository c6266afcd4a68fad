package convo

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
	"github.com/selfcheck-id/selfcheck/listen"
	"github.com/selfcheck-id/selfcheck/locales"
)

// Content is one consistent, validated set of flows, contacts and messages.
// It is replaced as a whole on reload, never changed in place.
type Content struct {
	Set  *flows.Set
	Flow *flows.Flow // the flow users are served
	Msgs *locales.Catalog
	// Listen reads typed and pasted text; nil when the flows directory
	// has no rules file (then only answers and commands are understood).
	Listen *listen.Rules

	emergencyOnce sync.Once
	emergency     map[string]bool // see inEmergency
}

// inEmergency reports whether step is on the emergency path
// (flows.EmergencySteps), worked out once per content: the core asks on
// most updates, and content is never changed in place.
func (c *Content) inEmergency(step string) bool {
	c.emergencyOnce.Do(func() { c.emergency = flows.EmergencySteps(c.Flow) })
	return step != "" && c.emergency[step]
}

// Source says where to load content from: a file system and a directory
// in it for flows and for locales.
type Source struct {
	Flows      fs.FS
	FlowsDir   string
	Locales    fs.FS
	LocalesDir string
	// FlowID picks the served flow; empty means the only (or first) one.
	FlowID string
}

// Embedded is the content built into the binary.
var Embedded = Source{Flows: flows.Files, FlowsDir: ".", Locales: locales.Files, LocalesDir: "."}

// LoadContent loads and fully validates content. Any problem, anywhere,
// means no content: a broken file never reaches a user.
func LoadContent(src Source) (c *Content, ps yamlcheck.Problems) {
	// A reload runs this on files anyone who edits the content wrote: a
	// mistake no check foresaw must refuse the content, not end the bot
	// that serves the old one (an alias once did).
	defer func() {
		if r := recover(); r != nil {
			c, ps = nil, yamlcheck.Problems{{File: src.FlowsDir, Msg: fmt.Sprintf("the content could not be checked (a bug in selfcheck: please report it): %v", r)}}
		}
	}()
	set, ps := flows.Load(src.Flows, src.FlowsDir)
	msgs, mps := locales.Load(src.Locales, src.LocalesDir)
	ps = append(ps, mps...)
	if len(ps) > 0 {
		ps.Sort()
		return nil, ps
	}
	return Check(set, msgs, src.FlowID)
}

// Check validates a loaded set against the messages, including what only
// rendering can tell (message length), and picks the served flow.
func Check(set *flows.Set, msgs *locales.Catalog, flowID string) (*Content, yamlcheck.Problems) {
	if flowID == "" && len(set.Flows) > 0 {
		flowID = set.IDs()[0]
	}
	f := set.Flows[flowID]
	if f == nil {
		return nil, yamlcheck.Problems{{File: "flows", Msg: fmt.Sprintf("no flow with id %q", flowID)}}
	}
	// The reading rules answer the served flow; the messages they name
	// count as used.
	var rules *listen.Rules
	codeIDs := locales.CodeIDs
	if set.ListenFile != "" {
		var ps yamlcheck.Problems
		if rules, ps = listen.Parse(set.ListenFile, set.Listen, f); len(ps) > 0 {
			return nil, ps
		}
		codeIDs = append(slices.Clone(codeIDs), rules.MessageIDs()...)
	}
	if ps := servedLanguages(msgs); len(ps) > 0 {
		return nil, ps
	}
	if ps := flows.Validate(set, msgs, codeIDs); len(ps) > 0 {
		return nil, ps
	}
	c := &Content{Set: set, Flow: f, Msgs: msgs, Listen: rules}
	if ps := c.checkLengths(); len(ps) > 0 {
		return nil, ps
	}
	return c, nil
}

// MaxMessage is Telegram's limit on a message's text, in UTF-16 code units
// after entity parsing (flows.MaxMessage, which validation uses too).
const MaxMessage = flows.MaxMessage

// checkLengths renders the longest form of every message a user can get
// (each question with its progress, the verdict with every reason, step,
// action and contact it could hold) and reports any over MaxMessage.
func (c *Content) checkLengths() yamlcheck.Problems {
	var ps yamlcheck.Problems
	f := c.Flow
	tooLong := func(what string, line int, r Reply, lang string) {
		if n := flows.TextLen(r.Text()); n > MaxMessage {
			ps = append(ps, yamlcheck.Problem{File: f.File, Line: line, Col: 1,
				Msg: fmt.Sprintf("%s renders to %d characters in %q; Telegram allows %d", what, n, lang, MaxMessage)})
		}
	}
	for _, lang := range c.Msgs.Languages() {
		for _, other := range []bool{false, true} {
			r := renderer{c: c, lang: lang, other: other, vars: map[string]any{"Country": longestCountry(c, lang), "Kept": "999 hours"}}
			worst := worstResult(r)
			for _, id := range f.StepOrder {
				s := f.Steps[id]
				if s.IsEnd() {
					tooLong("end step "+id, s.Line, r.end(s, worst.Contacts), lang)
				} else {
					tooLong("question "+id, s.Line, r.question(s, s.Choices, 99, 99, 1), lang)
				}
			}
			for i := range f.Bands {
				for _, adv := range adviceFor(f, &f.Bands[i]) {
					res := worst
					res.Band = &f.Bands[i]
					res.Headline, res.Steps = adv.Headline, append(append([]string(nil), adv.Steps...), worst.Steps...)
					res.Contacts = append(append([]string(nil), adv.Contacts...), worst.Contacts...)
					for j, rep := range r.verdictParts(res) {
						tooLong(fmt.Sprintf("verdict part %d for band %s with advice %s", j+1, res.Band.ID, adv.ID), adv.Line, rep, lang)
					}
				}
			}
		}
	}
	return ps
}

// adviceFor lists the advice a verdict of band b could get: every case
// that can apply to it, and the band's own (as a case with the band's line).
func adviceFor(f *flows.Flow, b *flows.Band) []*flows.Advice {
	var out []*flows.Advice
	for _, a := range f.Advice {
		if len(a.If.Band) == 0 || slices.Contains(a.If.Band, b.ID) {
			adv := *a
			if adv.Headline == "" {
				adv.Headline = b.Headline
			}
			out = append(out, &adv)
		}
	}
	return append(out, &flows.Advice{ID: "of the band", Headline: b.Headline, Steps: b.Steps, Line: b.Line})
}

// worstResult is a verdict at least as long as any one check can make in
// r's language: each part of the verdict is measured on its own, so from
// each question it takes the answer with the longest signs (the judgement),
// the one with the longest added steps (what to do) and the one with the
// longest action item and contacts (the help). A sign or contact two
// questions can raise is counted twice. So a verdict that fits with it fits
// always. Headline and the case's steps are added per case by checkLengths.
func worstResult(r renderer) flows.Result {
	f, set := r.c.Flow, r.c.Set
	var res flows.Result
	res.Contacts = append(res.Contacts, f.Result.Contacts...)
	size := func(ids ...string) int {
		n := 0
		for _, id := range ids {
			n += flows.TextLen(r.t(id, nil)) + 3
		}
		return n
	}
	longest := func(choices []*flows.Choice, length func(*flows.Choice) int) *flows.Choice {
		var best *flows.Choice
		bestN := -1
		for _, ch := range choices {
			if n := length(ch); n > bestN {
				best, bestN = ch, n
			}
		}
		return best
	}
	for _, id := range f.StepOrder {
		choices := f.Steps[id].Choices
		if len(choices) == 0 {
			continue
		}
		signs := longest(choices, func(ch *flows.Choice) int {
			n := 0
			for _, fl := range ch.Flags {
				if f.Flags[fl] != nil {
					n += size(f.Flags[fl].Reason)
				}
			}
			return n
		})
		for _, fl := range signs.Flags {
			if f.Flags[fl] != nil {
				res.Flags = append(res.Flags, f.Flags[fl])
			}
		}
		res.Steps = append(res.Steps, longest(choices, func(ch *flows.Choice) int { return size(ch.Advice...) }).Advice...)
		helped := longest(choices, func(ch *flows.Choice) int {
			n := size(ch.Action)
			for _, ct := range ch.Contacts {
				if set.Contacts[ct] != nil {
					n += flows.TextLen(r.contacts([]string{ct}))
				}
			}
			return n
		})
		if helped.Action != "" {
			res.Actions = append(res.Actions, helped.Action)
		}
		for _, ct := range helped.Contacts {
			if set.Contacts[ct] != nil {
				res.Contacts = append(res.Contacts, ct)
			}
		}
	}
	return res
}

// longestCountry is the longest way messages may name the country
// ({{.Country}}), for measuring them.
func longestCountry(c *Content, lang string) string {
	f := c.Flow
	best := ""
	if s := f.Steps[f.Country]; s != nil {
		for _, ch := range s.Choices {
			for _, other := range []bool{false, true} {
				id := ch.Name
				if id == "" {
					id = ch.Text
				}
				if n := c.Msgs.Text(lang, id, other, nil); flows.TextLen(n) > flows.TextLen(best) {
					best = n
				}
			}
		}
	}
	return best
}

// servedLanguages reports message files for another set of languages than
// the bot's (locales.Languages, the files built into it): a file for a
// language the bot does not know would never be served, and a missing one
// would show users message IDs. A language is added by adding its file to
// locales/ in the source.
func servedLanguages(msgs *locales.Catalog) yamlcheck.Problems {
	var ps yamlcheck.Problems
	want := strings.Join(locales.Languages(), ".yaml, ") + ".yaml"
	have := msgs.Languages()
	for _, l := range have {
		if !locales.Supported(l) {
			ps = append(ps, yamlcheck.Problem{File: "locales/" + l + ".yaml",
				Msg: "the bot serves " + want + " (the message files built into it), so " + l + ".yaml would never be served: add a language to locales/ in the source and build again"})
		}
	}
	for _, l := range locales.Languages() {
		if !slices.Contains(have, l) {
			ps = append(ps, yamlcheck.Problem{File: "locales/" + l + ".yaml", Msg: "missing: the bot serves " + want + ", and users of " + l + " would read message IDs"})
		}
	}
	return ps
}
