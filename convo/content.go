package convo

import (
	"fmt"
	"io/fs"
	"slices"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
	"github.com/selfcheck-id/selfcheck/locales"
)

// Content is one consistent, validated set of flows, contacts and messages.
// It is replaced as a whole on reload, never changed in place.
type Content struct {
	Set  *flows.Set
	Flow *flows.Flow // the flow users are served
	Msgs *locales.Catalog
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
func LoadContent(src Source) (*Content, yamlcheck.Problems) {
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
	ps := flows.Validate(set, msgs, locales.CodeIDs)
	if flowID == "" && len(set.Flows) > 0 {
		flowID = set.IDs()[0]
	}
	f := set.Flows[flowID]
	if f == nil {
		ps = append(ps, yamlcheck.Problem{File: "flows", Msg: fmt.Sprintf("no flow with id %q", flowID)})
	}
	if len(ps) > 0 {
		return nil, ps
	}
	c := &Content{Set: set, Flow: f, Msgs: msgs}
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
			r := renderer{c: c, lang: lang, other: other}
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
// r's language: from each question, the answer with the longest signs and
// added steps, and the answer with the longest action item and contacts
// (a sign or contact two questions can raise is counted twice). So a verdict
// that fits with it fits always. Headline and the case's steps are added
// per case by checkLengths.
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
	for _, id := range f.StepOrder {
		var judged, helped *flows.Choice
		bestJ, bestH := -1, -1
		for _, ch := range f.Steps[id].Choices {
			j := size(ch.Advice...)
			for _, fl := range ch.Flags {
				if f.Flags[fl] != nil {
					j += size(f.Flags[fl].Reason)
				}
			}
			h := size(ch.Action)
			for _, ct := range ch.Contacts {
				if c := set.Contacts[ct]; c != nil {
					h += flows.TextLen(r.contacts([]string{ct}))
				}
			}
			if j > bestJ {
				judged, bestJ = ch, j
			}
			if h > bestH {
				helped, bestH = ch, h
			}
		}
		if judged != nil {
			res.Steps = append(res.Steps, judged.Advice...)
			for _, fl := range judged.Flags {
				if f.Flags[fl] != nil {
					res.Flags = append(res.Flags, f.Flags[fl])
				}
			}
		}
		if helped != nil {
			if helped.Action != "" {
				res.Actions = append(res.Actions, helped.Action)
			}
			for _, ct := range helped.Contacts {
				if set.Contacts[ct] != nil {
					res.Contacts = append(res.Contacts, ct)
				}
			}
		}
	}
	return res
}
