package convo

import (
	"strings"
	"time"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/tglimit"
	"github.com/selfcheck-id/selfcheck/locales"
	"github.com/selfcheck-id/selfcheck/session"
)

// turn decides what one request does to one loaded session. It does no I/O:
// Core loads before and saves (or forgets) after.
type turn struct {
	ct    *Content
	req   Request
	rec   session.Record
	now   time.Time
	nonce func() string
	share string
	// campaigns checks campaign links (Core.Campaigns).
	campaigns *campaign.Keys
	today     func(time.Time) string // the statistics' day of a time (Core.Days)
	vars      *contentVars           // values messages may use (see renderer.vars)

	sess   session.Session // the session to save
	forget bool            // delete the session instead of saving
	pre    []Reply         // notices shown before the reply (flow changed...)
	out    Outcome         // what happened, for observers
}

func (t *turn) run() Response {
	f := t.ct.Flow
	t.sess = t.rec.Session
	if !t.rec.Found {
		t.sess = session.Session{Lang: locales.Match(t.req.LangHint)}
	} else if st := t.sess.State; st.Flow != "" && (st.Flow != f.ID || st.Version != f.Version) {
		// (An empty state is no check at all, not another flow's.)
		if compatible(f, st) {
			t.sess.State.Flow, t.sess.State.Version = f.ID, f.Version
			if p := t.sess.Paused; p != nil && !compatible(f, *p) {
				t.sess.Paused = nil // a paused check the new flow cannot go on with
			} else if p != nil {
				p.Flow, p.Version = f.ID, f.Version
			}
		} else {
			t.sess.State = flows.State{}
			t.pre = append(t.pre, Reply{Body: t.r().t(locales.FlowChanged, nil)})
		}
	}
	if t.rec.Unsent && t.req.Kind == KindText && t.sess.State.Step != "" {
		// A reply to this chat was lost: whatever they wrote, show what
		// they missed first (a cry for help still goes to the emergency).
		if rd := t.read(); !rd.Distress {
			return t.again()
		}
	}
	switch t.req.Kind {
	case KindCommand:
		return t.command(t.req.Command, t.req.Text)
	case KindButton:
		return t.button()
	default:
		return t.text()
	}
}

// compatible reports whether a session begun on another version of the flow
// can go on: its step and every answer still exist.
func compatible(f *flows.Flow, st flows.State) bool {
	if st.Flow != f.ID || (st.Step != flows.Verdict && f.Steps[st.Step] == nil) {
		return false
	}
	for _, a := range st.Answers {
		s := f.Steps[a.Step]
		if s == nil || s.Choice(a.Choice) == nil {
			return false
		}
	}
	return true
}

func (t *turn) r() renderer {
	r := renderer{c: t.ct, lang: t.sess.Lang, other: t.sess.State.Perspective == "other", nonce: t.sess.Nonce,
		shareLink: t.share, resume: t.sess.Paused != nil, vars: t.vars.of(t.sess.Lang, "")}
	if country := t.country(r); country != "" {
		r.vars = t.vars.of(r.lang, country)
	}
	return r
}

// country names the destination the user chose, in their language, for
// messages that say {{.Country}}; "" when not chosen yet.
func (t *turn) country(r renderer) string {
	f := t.ct.Flow
	if f.Country == "" {
		return ""
	}
	for _, a := range t.sess.State.Answers {
		if a.Step != f.Country {
			continue
		}
		ch := f.Steps[a.Step].Choice(a.Choice)
		if ch == nil {
			return ""
		}
		id := ch.Name
		if id == "" {
			id = ch.Text
		}
		return r.c.Msgs.Text(r.lang, id, r.other, r.vars)
	}
	return ""
}

func (t *turn) respond(replies ...Reply) Response {
	return Response{Lang: t.sess.Lang, Replies: append(t.pre, replies...), Done: t.done()}
}

// done reports whether the check is at its end.
func (t *turn) done() bool {
	st := t.sess.State
	if st.Step == flows.Verdict {
		return true
	}
	s := t.ct.Flow.Steps[st.Step]
	return s != nil && s.IsEnd()
}

func (t *turn) command(name, arg string) Response {
	switch name {
	case CmdStart:
		if code, lang := campaign.Parse(arg); code != "" || lang != "" {
			t.sess.Campaign = t.campaign(code)
			if lang != "" {
				t.sess.Lang = lang
			}
		}
		return t.respond(t.start(flows.Start)...)
	case CmdRestart:
		return t.respond(t.start(flows.Start)...)
	case CmdBack:
		if t.sess.Paused != nil && t.ct.inEmergency(t.sess.State.Step) {
			return t.resume()
		}
		if t.sess.State.Step == "" {
			return t.respond(t.start(flows.Start)...)
		}
		return t.inPlace(t.respond(t.advance(flows.Input{Kind: flows.Back})...))
	case CmdHelp:
		if st := t.sess.State; len(st.Answers) > 0 && !t.ct.inEmergency(st.Step) {
			t.sess.Paused = &st // keep the answers: the user may come back to them
		}
		return t.respond(append([]Reply{t.helpNow()}, t.start(flows.Emergency)...)...)
	case CmdLanguage:
		return t.switchLanguage(locales.Next(t.sess.Lang))
	case CmdPrivacy:
		return t.respond(Reply{Body: t.r().t(locales.Privacy, nil)})
	case CmdShow:
		if t.sess.State.Step == "" {
			// Nothing begun: nothing to show, and nothing is stored.
			return Response{Lang: t.sess.Lang}
		}
		return t.respond(t.screen()...)
	case CmdForget:
		t.forget = true
		return t.respond(Reply{Body: t.r().t(locales.Forgotten, nil)})
	}
	return t.text()
}

// campaign is what a session keeps of the campaign a link names: the
// signed code when the organisers' key signed it, else "other" (a typed
// name may be someone's name or number: it is not stored).
func (t *turn) campaign(code string) string {
	switch {
	case code == "" || code == campaign.Group:
		return code
	case t.campaigns != nil:
		if _, ok := t.campaigns.Verify(code); ok {
			return code
		}
		return campaign.Other
	case campaign.LooksPersonal(code):
		return campaign.Other
	}
	return code
}

// start begins the flow (or its emergency entry) with a new nonce, which
// makes every older button stale.
func (t *turn) start(kind flows.InputKind) []Reply {
	if kind == flows.Start {
		t.sess.Paused = nil
	}
	t.sess.Nonce = t.nonce()
	t.sess.Day = t.today(t.now)
	t.sess.State = flows.State{}
	return t.advance(flows.Input{Kind: kind})
}

// apply steps the flow, keeps the new state and notes what happened for
// the observers. It reports false when the flow rejected the input.
func (t *turn) apply(in flows.Input) bool {
	st, events := flows.Advance(t.ct.Flow, t.sess.State, in)
	for _, ev := range events {
		switch ev := ev.(type) {
		case flows.Rejected:
			return false
		case flows.Answered:
			t.out.Answers = append(t.out.Answers, flows.Answer{Step: ev.Step, Choice: ev.Choice})
		case flows.Asked:
			if in.Kind != flows.Back {
				t.out.Asked = append(t.out.Asked, ev.Step)
			}
		case flows.Ended:
			t.out.Ended = ev.Step
		case flows.Judged:
			t.out.Band = ev.Verdict.Band.ID
		}
	}
	t.out.Started = t.out.Started || in.Kind == flows.Start
	t.sess.State = st
	return true
}

// advance steps the flow and renders what is now on screen.
func (t *turn) advance(in flows.Input) []Reply {
	t.apply(in)
	return t.screen()
}

// screen renders the step on screen now.
func (t *turn) screen() []Reply {
	f, st, r := t.ct.Flow, t.sess.State, t.r()
	if st.Step == flows.Verdict {
		return r.verdict(flows.Evaluate(f, st))
	}
	s := f.Steps[st.Step]
	if s == nil {
		return t.start(flows.Start)
	}
	if s.IsEnd() {
		return []Reply{r.end(s, flows.Evaluate(f, st).Chosen)}
	}
	n, left := flows.Progress(f, st)
	rep := r.question(s, s.Visible(st), n, left, len(st.Answers))
	if c := st.Suggestion(f); c != nil {
		r.suggest(&rep, c)
	}
	return []Reply{rep}
}

// switchLanguage shows the screen again in lang. The screen in the other
// language is left behind with its buttons, so a new nonce makes them stale.
func (t *turn) switchLanguage(lang string) Response {
	t.sess.Lang = lang
	note := Reply{Body: t.r().t(locales.LanguageSet, nil)}
	if t.sess.State.Step == "" {
		return t.respond(append([]Reply{note}, t.start(flows.Start)...)...)
	}
	t.sess.Nonce = t.nonce()
	return t.respond(append([]Reply{note}, t.screen()...)...)
}

// button handles a pressed button. Its data is untrusted: malformed, from
// an earlier check (other nonce) or an earlier question, it gets a toast and
// changes nothing.
func (t *turn) button() Response {
	tok, ok := flows.ParseToken(t.req.Data)
	stale := t.stale
	if !ok {
		return stale()
	}
	if !t.rec.Found || t.sess.State.Step == "" {
		// The session expired (or storage was emptied): say so in a toast,
		// where the user's eyes are, and start afresh.
		resp := t.respond(t.start(flows.Start)...)
		resp.Toast = tglimit.Truncate(t.r().t(locales.Expired, nil), tglimit.Toast)
		return resp
	}
	if tok.Nonce != t.sess.Nonce {
		return stale()
	}
	switch tok.Kind {
	case flows.TokAnswer:
		return t.answer(tok.Step, tok.Choice, true)
	case flows.TokBack:
		if tok.Step != "" && tok.Step != t.sess.State.Step {
			return stale() // Back from a question no longer on screen: a double tap
		}
		return t.inPlace(t.respond(t.advance(flows.Input{Kind: flows.Back})...))
	case flows.TokRestart:
		switch tok.Choice {
		case flows.RestartAsk:
			if tok.Step != "" && tok.Step != t.sess.State.Step {
				return stale()
			}
			return t.respond(t.r().confirmRestart())
		case flows.RestartNo:
			return t.respond(t.screen()...)
		}
		return t.respond(t.start(flows.Start)...)
	case flows.TokHelp:
		return t.command(CmdHelp, "")
	case flows.TokResume:
		if t.sess.Paused == nil {
			return stale()
		}
		return t.resume()
	case flows.TokLanguage:
		if !locales.Supported(tok.Choice) {
			return stale() // forged: the bot only offers its own languages
		}
		if tok.Choice == t.sess.Lang {
			return stale() // a double tap: already switched
		}
		return t.switchLanguage(tok.Choice)
	}
	return stale()
}

// answer applies a choice; edit says the answer came from a button, whose
// message then shows the answer instead of the buttons.
func (t *turn) answer(step, choice string, edit bool) Response {
	// Render the answered question in the perspective it was asked in,
	// before the answer can change it.
	var resp Response
	if s := t.ct.Flow.Steps[step]; edit && s != nil {
		e := t.r().answered(s, choice)
		resp.Edit = &e
	}
	if !t.apply(flows.Input{Kind: flows.Choose, Step: step, Choice: choice}) {
		switch {
		case edit && t.repeated(step, choice):
			return t.again()
		case edit:
			return t.stale()
		}
		return t.reprompt()
	}
	resp.Lang = t.sess.Lang
	resp.Replies = append(t.pre, t.screen()...)
	resp.Done = t.done()
	if edit {
		resp = t.inPlace(resp)
	}
	return resp
}

// inPlace marks a response to a tap on the question on screen that is
// one question, to be shown in the pressed message, with the trail.
func (t *turn) inPlace(resp Response) Response {
	if len(resp.Replies) == 1 && len(resp.Replies[0].Buttons) > 0 && !t.done() {
		resp.InPlace, resp.Trail = true, t.trail()
	}
	return resp
}

// stale answers a button that is not for the screen now: a toast, which
// changes nothing. When a reply was lost, the buttons the user sees are old
// because the new ones never came: the screen they missed comes too.
func (t *turn) stale() Response {
	if t.rec.Unsent && t.rec.Found && t.sess.State.Step != "" {
		resp := t.again()
		resp.Toast = t.r().t(locales.Stale, nil)
		return resp
	}
	return Response{Lang: t.sess.Lang, Toast: t.r().t(locales.Stale, nil)}
}

// repeated reports whether step and choice are the last answer applied:
// the same tap again, after its reply was lost or while it was on its way.
func (t *turn) repeated(step, choice string) bool {
	a := t.sess.State.Answers
	return len(a) > 0 && a[len(a)-1] == flows.Answer{Step: step, Choice: choice}
}

// again shows the current screen once more, for a user who may not have
// seen it. A question costs nothing to show again: the channel puts it in
// the pressed message, unchanged if it was there. A verdict or an end is
// sent again only when its delivery is in doubt (a double tap otherwise
// would send it twice); else the tap gets the stale-button toast.
func (t *turn) again() Response {
	screen := t.screen()
	question := len(screen) == 1 && len(screen[0].Buttons) > 0 && !t.done()
	if !question && !t.rec.Unsent {
		return Response{Lang: t.sess.Lang, Toast: t.r().t(locales.Stale, nil)}
	}
	resp := t.respond(screen...)
	resp.Resent = true
	if t.req.Kind == KindButton {
		resp = t.inPlace(resp)
	}
	return resp
}

// trailLen is how many answers the trail above a question shows: enough to
// see what was just chosen, short enough to keep the question in view.
const trailLen = 3

// trail renders the last answers as "✓ answer" lines, when the screen is a
// question.
func (t *turn) trail() string {
	st := t.sess.State
	if st.Step == flows.Verdict || t.done() || len(st.Answers) == 0 {
		return ""
	}
	r := t.r()
	var lines []string
	for _, a := range st.Answers[max(0, len(st.Answers)-trailLen):] {
		s := t.ct.Flow.Steps[a.Step]
		if s == nil {
			continue
		}
		label := a.Choice
		if ch := s.Choice(a.Choice); ch != nil {
			label = r.t(ch.Text, nil)
		}
		lines = append(lines, r.t(locales.Chosen, map[string]any{"Answer": label}))
	}
	return strings.Join(lines, "\n")
}

// text handles typed, pasted or forwarded text. A cry for help goes to the
// emergency screen before anything else; then an answer to the question on
// screen; then what the message says of an offer (answers to suggest, a
// question about trust, a link); else a re-prompt. The text itself is never
// stored or logged: only the answers read from it.
func (t *turn) text() Response {
	rd := t.read()
	if rd.Distress {
		return t.distress(rd)
	}
	f, st := t.ct.Flow, t.sess.State
	heard := rd.Question || rd.Link || t.ct.Listen != nil && len(t.ct.Listen.Suggestions(rd)) > 0
	if !t.rec.Found || st.Step == "" {
		return t.listened(rd, true)
	}
	s := f.Steps[st.Step]
	if s == nil || s.IsEnd() {
		if rd.Question || rd.Link || t.ct.Listen != nil && len(t.ct.Listen.Suggestions(rd)) > 0 {
			return t.listened(rd, true) // a new offer after a verdict: a new check
		}
		// The check is over: say how to begin again rather than repeat it.
		return t.atEnd()
	}
	if choice, ok := matchChoice(t.ct, t.sess.Lang, s, s.Visible(st), t.req.Text); ok {
		return t.answer(s.ID, choice, false)
	}
	if t.ct.inEmergency(st.Step) {
		if choice := t.emergencyAnswer(rd); choice != "" {
			return t.answer(s.ID, choice, false)
		}
		return t.reprompt()
	}
	if heard {
		return t.listened(rd, len(st.Answers) == 0)
	}
	return t.reprompt()
}

// atEnd answers text after an end: on an emergency screen, what to do if
// the embassy does not answer; after a verdict, how to begin again.
func (t *turn) atEnd() Response {
	r := t.r()
	if t.ct.inEmergency(t.sess.State.Step) {
		return t.respond(Reply{Body: r.t(locales.EmergencyMore, nil), Buttons: r.endButtons()})
	}
	return t.respond(Reply{Body: r.t(locales.EndHint, nil), Buttons: r.endButtons()})
}

func (t *turn) reprompt() Response {
	return t.respond(append([]Reply{{Body: t.r().t(locales.Reprompt, nil)}}, t.screen()...)...)
}

// resume goes back to the check the emergency path paused, where it was.
func (t *turn) resume() Response {
	t.sess.State, t.sess.Paused = *t.sess.Paused, nil
	return t.respond(t.screen()...)
}
