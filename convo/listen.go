package convo

// Listening: what a turn does with typed or pasted text beyond an answer
// to the question on screen (package listen reads it).

import (
	"maps"
	"slices"
	"strings"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/listen"
	"github.com/selfcheck-id/selfcheck/locales"
)

// read reads the request's text with the content's rules (none: nothing).
func (t *turn) read() listen.Reading {
	if t.ct.Listen == nil {
		return listen.Reading{}
	}
	return t.ct.Listen.Read(t.req.Text, t.ct.Flow)
}

// suggestions are the answers a reading gives to questions of the check
// not answered yet.
func (t *turn) suggestions(rd listen.Reading) []listen.Finding {
	if t.ct.Listen == nil {
		return nil
	}
	var out []listen.Finding
	for _, fd := range t.ct.Listen.Suggestions(rd) {
		if !slices.ContainsFunc(t.sess.State.Answers, func(a flows.Answer) bool { return a.Step == fd.Step }) {
			out = append(out, fd)
		}
	}
	return out
}

// emergencyAnswer is the answer a reading gives to the emergency question
// on screen ("I am in Myawaddy" at the country question), or "".
func (t *turn) emergencyAnswer(rd listen.Reading) string {
	if t.ct.Listen == nil {
		return ""
	}
	for _, a := range t.ct.Listen.EmergencyAnswers(rd, t.ct.Flow) {
		if a.Step == t.sess.State.Step {
			return a.Choice
		}
	}
	return ""
}

// distress answers a cry for help: the national contacts at once, in the
// language it was written in, and the emergency path with what the
// message already says (who, where) answered, so that someone who wrote
// "I am held in Myawaddy" lands on the embassy's screen. A check in
// progress is kept, as /help keeps it.
func (t *turn) distress(rd listen.Reading) Response {
	f := t.ct.Flow
	if rd.Lang != "" {
		t.sess.Lang = rd.Lang
	}
	if st := t.sess.State; t.ct.inEmergency(st.Step) && f.Steps[st.Step] != nil {
		if f.Steps[st.Step].IsEnd() {
			return t.atEnd() // on the emergency screen: what if nobody answers
		}
		if choice := t.emergencyAnswer(rd); choice != "" {
			return t.answer(st.Step, choice, false)
		}
		return t.respond(t.screen()...) // already there: show it again
	}
	if st := t.sess.State; len(st.Answers) > 0 && !t.ct.inEmergency(st.Step) {
		t.sess.Paused = &st
	}
	t.start(flows.Emergency)
	for _, a := range t.ct.Listen.EmergencyAnswers(rd, f) {
		if t.sess.State.Step != a.Step || !t.apply(flows.Input{Kind: flows.Choose, Step: a.Step, Choice: a.Choice}) {
			break
		}
	}
	screen := t.screen()
	if t.done() {
		return t.respond(screen...) // the end screen lists every contact
	}
	return t.respond(append([]Reply{t.helpNow()}, screen...)...)
}

// helpNow is what /help shows at once, before asking who and where: the
// flow's help_now contacts (one that works from abroad too), else the
// verdict's.
func (t *turn) helpNow() Reply {
	ids := t.ct.Flow.HelpNow
	if ids == nil {
		ids = t.ct.Flow.Result.Contacts
	}
	r := t.r()
	return Reply{Body: r.t(locales.VerdictContact, nil) + "\n" + r.contacts(ids)}
}

// listened answers a message about an offer: what the bot cannot do when
// asked to trust one, what it read (answers, and how many warning signs
// they hold), then the check with those answers suggested. fresh starts a
// new check; otherwise the suggestions join the check on screen.
func (t *turn) listened(rd listen.Reading, fresh bool) Response {
	if fresh && !t.rec.Found && rd.Lang != "" {
		t.sess.Lang = rd.Lang // a first message: answer in its language
	}
	sugg := t.suggestions(rd)
	if fresh && t.ct.Listen != nil {
		sugg = t.ct.Listen.Suggestions(rd) // a new check: nothing is answered
	}
	var pre []Reply
	r := t.r()
	if rd.Question || rd.Link {
		pre = append(pre, Reply{Body: r.t(locales.ListenQuestion, nil)})
	}
	if !fresh && t.ct.Listen != nil {
		// Said differently than answered: say so, change nothing.
		var differs []string
		for _, fd := range t.ct.Listen.Suggestions(rd) {
			for _, a := range t.sess.State.Answers {
				if a.Step == fd.Step && a.Choice != fd.Choice {
					differs = append(differs, r.differs(fd, a.Choice))
				}
			}
		}
		if len(differs) > 0 {
			pre = append(pre, Reply{Body: r.t(locales.ListenDiffers, map[string]any{"List": strings.Join(differs, "; ")})})
		}
	}
	switch {
	case len(sugg) > 0:
		pre = append(pre, Reply{Body: r.heard(sugg)})
	case fresh && !rd.Question && !rd.Link && rd.Words >= 8:
		// It reads like a pasted offer, but nothing in it was understood:
		// say so rather than pretend.
		pre = append(pre, Reply{Body: r.t(locales.ListenNothing, nil)})
	}
	if fresh {
		t.sess.Paused = nil
		t.sess.Nonce = t.nonce()
		t.sess.Day = t.today(t.now)
		t.sess.State = flows.State{}
		t.apply(flows.Input{Kind: flows.Start})
	}
	if len(sugg) > 0 {
		merged := maps.Clone(t.sess.State.Suggested)
		if merged == nil {
			merged = map[string]string{}
		}
		for _, fd := range sugg {
			merged[fd.Step] = fd.Choice
		}
		t.sess.State.Suggested = merged
	}
	return t.respond(append(pre, t.screen()...)...)
}
