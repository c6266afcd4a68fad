package convo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/listen"
	"github.com/selfcheck-id/selfcheck/locales"
)

// renderer turns flow steps and results into replies in one language, for
// one perspective (the user's own offer, or someone else's).
type renderer struct {
	c     *Content
	lang  string
	other bool
	nonce string
	// shareLink is the bot's public link, "" when unknown (terminal).
	shareLink string
	// resume offers a way back to the check the emergency path paused.
	resume bool
	// abroad leaves out numbers that work only inside Indonesia.
	abroad bool
	// vars are the values any message may use ({{.Kept}}), for messages
	// rendered without values of their own.
	vars map[string]any
}

func (r renderer) t(id string, data map[string]any) string {
	if data == nil {
		data = r.vars
	}
	return r.c.Msgs.Text(r.lang, id, r.other, data)
}

func (r renderer) token(kind flows.TokenKind, step, choice string) string {
	return flows.Token{Kind: kind, Nonce: r.nonce, Step: step, Choice: choice}.Encode()
}

// question renders a question with one button per choice offered and a
// row of controls. choices are those offered (Step.Visible). n is the question's number and left about how many
// follow (Progress); answered is how many answers were given (Back and
// Start again are offered only after one).
func (r renderer) question(s *flows.Step, choices []*flows.Choice, n, left, answered int) Reply {
	rep := Reply{Body: r.t(s.Text, nil)}
	if n > 0 {
		id := locales.Progress
		if left == 0 {
			id = locales.ProgressLast
		}
		rep.Head = r.t(id, map[string]any{"N": n, "Left": left})
	}
	// One array holds the buttons (a row per choice, the controls, start
	// again), each row a slice of it: a question is rendered on every tap.
	all := make([]Button, 0, len(choices)+4)
	rep.Buttons = make([][]Button, 0, len(choices)+2)
	for _, ch := range choices {
		all = append(all, Button{Label: r.t(ch.Text, nil), Data: r.token(flows.TokAnswer, s.ID, ch.ID)})
		rep.Buttons = append(rep.Buttons, all[len(all)-1:len(all):len(all)])
	}
	controls := all[len(all) : len(all) : len(all)+3]
	if answered > 0 {
		controls = append(controls, Button{Label: r.t(locales.BtnBack, nil), Data: r.token(flows.TokBack, s.ID, "")})
	}
	if r.resume {
		controls = append(controls, r.resumeButton())
	}
	if s.ID == r.c.Flow.Start {
		controls = append(controls, Button{Label: r.t(locales.BtnLanguage, nil), Data: r.token(flows.TokLanguage, "", locales.Next(r.lang))})
	} else if r.c.Flow.Emergency != "" && !r.c.inEmergency(s.ID) {
		// Not on the emergency path itself: there it would only go back to
		// its first question and lose the answer.
		controls = append(controls, Button{Label: r.t(locales.BtnHelp, nil), Data: r.token(flows.TokHelp, "", "")})
	}
	if len(controls) > 0 {
		rep.Buttons = append(rep.Buttons, controls)
	}
	if answered > 0 {
		// Its own row, away from Back: it asks before it deletes anything.
		rep.Buttons = append(rep.Buttons, []Button{{Label: r.t(locales.BtnRestart, nil), Data: r.token(flows.TokRestart, s.ID, flows.RestartAsk)}})
	}
	if len(rep.Buttons) == 0 {
		rep.Buttons = nil
	}
	return rep
}

// suggest marks the answer read from the user's message on a question:
// a line saying so under the question, and "✓" on its button.
func (r renderer) suggest(rep *Reply, c *flows.Choice) {
	label := r.t(c.Text, nil)
	rep.Body += "\n\n" + r.t(locales.ListenSuggest, map[string]any{"Answer": label})
	for _, row := range rep.Buttons {
		for i := range row {
			if tok, ok := flows.ParseToken(row[i].Data); ok && tok.Kind == flows.TokAnswer && tok.Choice == c.ID {
				row[i].Label = r.t(locales.Chosen, map[string]any{"Answer": label})
			}
		}
	}
}

// label names a finding's answer as the summary does.
func (r renderer) label(fd listen.Finding) string {
	id := r.c.Listen.SummaryID(fd.Step, fd.Choice)
	if id == "" {
		id = r.c.Flow.Steps[fd.Step].Choice(fd.Choice).Text
	}
	return r.t(id, nil)
}

// differs says that a message reads one answer where the user gave
// another: "Cambodia (you answered: Thailand)".
func (r renderer) differs(fd listen.Finding, answered string) string {
	was := listen.Finding{Step: fd.Step, Choice: answered}
	return r.t(locales.ListenWas, map[string]any{"Read": r.label(fd), "Answered": r.label(was)})
}

// heard says what was read from a message: each answer in the user's
// language with the words that gave it, and how many warning signs they
// hold.
func (r renderer) heard(found []listen.Finding) string {
	f := r.c.Flow
	var items []string
	signs := map[string]bool{}
	for _, fd := range found {
		c := f.Steps[fd.Step].Choice(fd.Choice)
		label := r.label(fd)
		if fd.Said != "" && !strings.EqualFold(fd.Said, label) {
			label += " (\"" + fd.Said + "\")"
		}
		items = append(items, label)
		for _, fl := range c.Flags {
			signs[fl] = true
		}
	}
	data := map[string]any{"List": strings.Join(items, "; "), "N": len(signs)}
	switch len(signs) {
	case 0:
		return r.t(locales.ListenNone, data)
	case 1:
		return r.t(locales.ListenOne, data)
	}
	return r.t(locales.ListenMany, data)
}

// confirmRestart asks before a check in progress is thrown away.
func (r renderer) confirmRestart() Reply {
	return Reply{Body: r.t(locales.RestartConfirm, nil), Buttons: [][]Button{
		{{Label: r.t(locales.BtnRestartYes, nil), Data: r.token(flows.TokRestart, "", flows.RestartYes)}},
		{{Label: r.t(locales.BtnRestartNo, nil), Data: r.token(flows.TokRestart, "", flows.RestartNo)}},
	}}
}

// answered renders a question once answered: its text and the answer,
// without buttons, so the chat reads like a filled form.
func (r renderer) answered(s *flows.Step, choice string) Reply {
	label := choice
	if ch := s.Choice(choice); ch != nil {
		label = r.t(ch.Text, nil)
	}
	return Reply{Body: r.t(s.Text, nil) + "\n\n" + r.t(locales.Chosen, map[string]any{"Answer": label})}
}

// resumeButton goes back to the check /help paused.
func (r renderer) resumeButton() Button {
	return Button{Label: r.t(locales.BtnResume, nil), Data: r.token(flows.TokResume, "", "")}
}

// end renders an end step. The contacts its answers chose (the embassy of
// the country someone is held in) come first: they matter most there.
//
// The contacts the answers chose (the embassy of the country someone is
// held in) open the message, so that the number is the first thing read;
// the step's own contacts follow its text, those for the person abroad or,
// checking for someone else, those the family at home can call.
func (r renderer) end(s *flows.Step, chosen []string) Reply {
	own := s.Contacts
	if r.other && s.ContactsOther != nil {
		own = s.ContactsOther
	}
	// Someone abroad cannot call a free Indonesian number: leave those
	// out of their emergency screen.
	r.abroad = !r.other && r.c.inEmergency(s.ID)
	var b strings.Builder
	if first := r.contacts(chosen); first != "" {
		b.WriteString(first + "\n\n")
	}
	b.WriteString(r.t(s.Text, nil))
	var rest []string
	for _, id := range own {
		if !slices.Contains(chosen, id) {
			rest = append(rest, id)
		}
	}
	if more := r.contacts(rest); more != "" {
		b.WriteString("\n\n" + more)
	}
	b.WriteString("\n\n" + r.t(locales.EndHint, nil))
	return Reply{Body: b.String(), Buttons: r.endButtons()}
}

// verdict renders the result: the judgement (band, the line to act on,
// every sign found), what to do now, then what to find out and whom to
// contact. The parts go in as few messages as fit, so that the last tap
// usually costs no more Bot API calls than any other (answer, edit, send);
// a long verdict is split between parts, never inside one.
func (r renderer) verdict(res flows.Result) []Reply {
	parts := r.verdictParts(res)
	out := []Reply{parts[0]}
	for _, p := range parts[1:] {
		last := &out[len(out)-1]
		if joined := last.Body + "\n\n" + p.Body; flows.TextLen(joined) <= MaxMessage {
			last.Body, last.Buttons = joined, p.Buttons
			continue
		}
		out = append(out, p)
	}
	return out
}

// verdictParts renders the parts of a verdict, each within one message:
// the judgement, what to do now, and the help (what to find out, whom to
// contact, the end buttons).
func (r renderer) verdictParts(res flows.Result) []Reply {
	f := r.c.Flow
	var b strings.Builder
	b.WriteString(r.t(res.Band.Text, nil))
	if res.Headline != "" {
		fmt.Fprintf(&b, "\n%s", r.t(res.Headline, nil))
	}
	// Every sign is named, strongest first; lighter ones apart, so that a
	// long list never hides an age or a kept passport.
	var strong, light []*flows.Flag
	for _, fl := range res.Flags {
		if f.Strong(fl) {
			strong = append(strong, fl)
		} else {
			light = append(light, fl)
		}
	}
	for _, part := range []struct {
		heading string
		flags   []*flows.Flag
	}{{locales.VerdictReasons, strong}, {locales.MoreReasons, light}} {
		if len(part.flags) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n\n%s", r.t(part.heading, map[string]any{"N": len(part.flags)}))
		for _, fl := range part.flags {
			fmt.Fprintf(&b, "\n• %s", r.t(fl.Reason, nil))
		}
	}
	if len(res.Flags) > 0 {
		fmt.Fprintf(&b, "\n\n%s", r.t(locales.VerdictILO, map[string]any{"List": r.indicators(res.Flags)}))
	}
	judgement := Reply{Body: b.String()}

	b.Reset()
	if len(res.Steps) > 0 {
		b.WriteString(r.t(locales.VerdictSteps, nil))
		for i, st := range res.Steps {
			fmt.Fprintf(&b, "\n%d. %s", i+1, r.t(st, nil))
		}
	}
	if f.Result.Figure != "" && (res.Band.Figure == nil || *res.Band.Figure) {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(r.t(f.Result.Figure, nil))
	}
	todo := Reply{Body: b.String()}

	b.Reset()
	if len(res.Actions) > 0 {
		b.WriteString(r.t(locales.VerdictActions, nil))
		for _, a := range res.Actions {
			fmt.Fprintf(&b, "\n• %s", r.t(a, nil))
		}
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "%s\n%s", r.t(locales.VerdictContact, nil), r.contacts(res.Contacts))
	if r.shareLink != "" {
		fmt.Fprintf(&b, "\n\n%s", r.t(locales.Share, map[string]any{"Link": r.shareLink}))
	}
	fmt.Fprintf(&b, "\n\n%s", r.t(locales.EndHint, nil))
	help := Reply{Body: b.String(), Buttons: r.endButtons()}
	if todo.Body == "" {
		return []Reply{judgement, help}
	}
	return []Reply{judgement, todo, help}
}

// indicators names the ILO indicators of flags, each once, in the order of
// the flags (strongest first).
func (r renderer) indicators(flags []*flows.Flag) string {
	var names []string
	seen := map[string]bool{}
	for _, fl := range flags {
		if !seen[fl.Indicator] {
			seen[fl.Indicator] = true
			names = append(names, r.t(flows.IndicatorMessage(fl.Indicator), nil))
		}
	}
	return strings.Join(names, ", ")
}

// restartEnd is what Start again does at an end: start at once, or ask
// first when a check paused by /help would be lost.
func (r renderer) restartEnd() string {
	if r.resume {
		return flows.RestartAsk
	}
	return flows.RestartYes
}

func (r renderer) endButtons() [][]Button {
	// Back changes the last answer, at the verdict too: an age typed
	// wrong should not mean starting over.
	rows := [][]Button{{
		{Label: r.t(locales.BtnBack, nil), Data: r.token(flows.TokBack, "", "")},
		{Label: r.t(locales.BtnRestart, nil), Data: r.token(flows.TokRestart, "", r.restartEnd())},
	}}
	if r.resume {
		rows = append(rows, []Button{r.resumeButton()})
	}
	if r.shareLink != "" {
		rows = append(rows, []Button{{Label: r.t(locales.ShareButton, nil), URL: campaign.ShareLink(r.shareLink)}})
	}
	return rows
}

// contacts renders directory entries as lines: name, numbers with notes,
// WhatsApp link, website, note. Disabled entries are never shown.
func (r renderer) contacts(ids []string) string {
	var lines []string
	seen := map[string]bool{}
	for _, id := range ids {
		ct := r.c.Set.Contacts[id]
		if ct == nil || ct.Disabled != "" || seen[id] {
			continue
		}
		seen[id] = true
		parts := []string{}
		for _, n := range ct.Call {
			if r.abroad && n.Local {
				continue
			}
			p := n.Number
			if note := n.Note[r.lang]; note != "" {
				p += " (" + note + ")"
			}
			parts = append(parts, p)
		}
		if wa := ct.WhatsAppLink(); wa != "" {
			parts = append(parts, r.t(locales.WhatsApp, nil)+" "+wa)
		}
		if ct.Link != "" {
			parts = append(parts, ct.Link)
		}
		if note := ct.Note[r.lang]; note != "" {
			parts = append(parts, note)
		}
		lines = append(lines, "• "+ct.Name[r.lang]+": "+strings.Join(parts, " · "))
	}
	return strings.Join(lines, "\n")
}
