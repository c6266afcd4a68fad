package convo

import (
	"fmt"
	"io/fs"

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
	worst := worstResult(f, c.Set)
	for _, lang := range c.Msgs.Languages() {
		for _, other := range []bool{false, true} {
			r := renderer{c: c, lang: lang, other: other}
			for _, id := range f.StepOrder {
				s := f.Steps[id]
				if s.IsEnd() {
					tooLong("end step "+id, s.Line, r.end(s, worst.Contacts), lang)
				} else {
					tooLong("question "+id, s.Line, r.question(s, 99, 99, 1), lang)
				}
			}
			for i := range f.Bands {
				res := worst
				res.Band = &f.Bands[i]
				judgement, help := r.verdictParts(res)
				for j, rep := range []Reply{judgement, help} {
					tooLong(fmt.Sprintf("verdict message %d for band %s", j+1, res.Band.ID), res.Band.Line, rep, lang)
				}
			}
		}
	}
	return ps
}

// worstResult is a verdict with every flag, action item and contact the
// flow can produce: the longest thing the renderer could be asked for.
func worstResult(f *flows.Flow, set *flows.Set) flows.Result {
	var r flows.Result
	r.Contacts = append(r.Contacts, f.Result.Contacts...)
	for _, id := range f.StepOrder {
		for _, ch := range f.Steps[id].Choices {
			if ch.Action != "" {
				r.Actions = append(r.Actions, ch.Action)
			}
			for _, ct := range ch.Contacts {
				if set.Contacts[ct] != nil {
					r.Contacts = append(r.Contacts, ct)
				}
			}
		}
	}
	for _, fl := range f.Flags {
		r.Flags = append(r.Flags, fl)
	}
	return r
}
