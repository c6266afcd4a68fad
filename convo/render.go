package convo

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/selfcheck-id/selfcheck/flows"
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

// question renders a question with one button per choice and a row of
// controls. n/total is the progress; answered is how many answers were given
// (Back is offered only after one).
func (r renderer) question(s *flows.Step, n, total, answered int) Reply {
	rep := Reply{Body: r.t(s.Text, nil)}
	if n > 0 {
		rep.Head = r.t(locales.Progress, map[string]any{"N": n, "Total": total})
	}
	for _, ch := range s.Choices {
		rep.Buttons = append(rep.Buttons, []Button{{Label: r.t(ch.Text, nil), Data: r.token(flows.TokAnswer, s.ID, ch.ID)}})
	}
	var controls []Button
	if answered > 0 {
		controls = append(controls,
			Button{Label: r.t(locales.BtnBack, nil), Data: r.token(flows.TokBack, s.ID, "")},
			Button{Label: r.t(locales.BtnRestart, nil), Data: r.token(flows.TokRestart, "", "")})
	}
	if r.resume {
		controls = append(controls, r.resumeButton())
	}
	if s.ID == r.c.Flow.Start {
		controls = append(controls, Button{Label: r.t(locales.BtnLanguage, nil), Data: r.token(flows.TokLanguage, "", otherLang(r.lang))})
	} else if r.c.Flow.Emergency != "" && s.ID != r.c.Flow.Emergency {
		controls = append(controls, Button{Label: r.t(locales.BtnHelp, nil), Data: r.token(flows.TokHelp, "", "")})
	}
	if len(controls) > 0 {
		rep.Buttons = append(rep.Buttons, controls)
	}
	return rep
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

// end renders an end step (e.g. emergency help) with its contacts and
// those earlier answers chose.
func (r renderer) resumeButton() Button {
	return Button{Label: r.t(locales.BtnResume, nil), Data: r.token(flows.TokResume, "", "")}
}

// end renders an end step. The contacts its answers chose (the embassy of
// the country someone is held in) come first: they matter most there.
func (r renderer) end(s *flows.Step, chosen []string) Reply {
	ids := append(append([]string(nil), chosen...), s.Contacts...)
	body := r.t(s.Text, nil) + "\n\n" + r.contacts(ids) + "\n\n" + r.t(locales.EndHint, nil)
	return Reply{Body: body, Buttons: r.endButtons()}
}

// verdict renders the result: the judgement (band, reasons, next steps, a
// figure), then what to find out and whom to contact. Both go in one
// message when they fit, so that the last tap costs no more Bot API calls
// than any other (answer, edit, send); a verdict too long for one message
// is sent as two, split there.
func (r renderer) verdict(res flows.Result) []Reply {
	judgement, help := r.verdictParts(res)
	if joined := judgement.Body + "\n\n" + help.Body; flows.TextLen(joined) <= MaxMessage {
		return []Reply{{Body: joined, Buttons: help.Buttons}}
	}
	return []Reply{judgement, help}
}

// verdictParts renders the two halves of a verdict.
func (r renderer) verdictParts(res flows.Result) (judgement, help Reply) {
	f := r.c.Flow
	var b strings.Builder
	b.WriteString(r.t(res.Band.Text, nil))
	if len(res.Flags) > 0 {
		fmt.Fprintf(&b, "\n\n%s", r.t(locales.VerdictReasons, nil))
		shown := min(len(res.Flags), limit(f.Result.MaxReasons))
		for _, fl := range res.Flags[:shown] {
			fmt.Fprintf(&b, "\n• %s", r.t(fl.Reason, nil))
		}
		if more := len(res.Flags) - shown; more > 0 {
			// Say that there are more: a cut list must not read as complete.
			fmt.Fprintf(&b, "\n• %s", r.t(locales.MoreReasons, map[string]any{"N": more}))
		}
		fmt.Fprintf(&b, "\n%s", r.t(locales.VerdictILO, map[string]any{"List": r.indicators(res.Flags)}))
	}
	if len(res.Band.Steps) > 0 {
		fmt.Fprintf(&b, "\n\n%s", r.t(locales.VerdictSteps, nil))
		for i, st := range res.Band.Steps[:min(len(res.Band.Steps), limit(f.Result.MaxSteps))] {
			fmt.Fprintf(&b, "\n%d. %s", i+1, r.t(st, nil))
		}
	}
	if f.Result.Figure != "" {
		fmt.Fprintf(&b, "\n\n%s", r.t(f.Result.Figure, nil))
	}
	first := Reply{Body: b.String()}

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
	return first, Reply{Body: b.String(), Buttons: r.endButtons()}
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

func (r renderer) endButtons() [][]Button {
	rows := [][]Button{{{Label: r.t(locales.BtnRestart, nil), Data: r.token(flows.TokRestart, "", "")}}}
	if r.resume {
		rows = append(rows, []Button{r.resumeButton()})
	}
	if r.shareLink != "" {
		rows = append(rows, []Button{{Label: r.t(locales.ShareButton, nil), URL: "https://t.me/share/url?url=" + url.QueryEscape(r.shareLink)}})
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

func limit(n int) int {
	if n <= 0 {
		return 5
	}
	return n
}

func otherLang(lang string) string {
	if lang == "id" {
		return "en"
	}
	return "id"
}
