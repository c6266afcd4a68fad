package convo_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/golden"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/locales"
)

// A persona is one person going through the shipped flow, with what a
// caseworker expects the verdict (or the emergency screen) to say. The
// expectations are written by hand from shared/domain/red-flags.md
// (critical = the high band alone; high weighs 4, medium 2; medium from 3
// points, high from 8; 3 or more "I don't know" lift lower to medium) and
// the flow's questions, not read back from the flow: a changed weight,
// band, case or `when` fails here. The cases are in persona_cases_test.go.
//
// A persona answers by meaning: answers maps a question (step id) to the
// choice it picks, whichever order the questions come in, so the tests
// survive reordering. A question with no answer in the map fails the
// test, and so does an answer never asked for. A value "~text" types text
// instead of tapping. script runs first, in order: "step=choice",
// "step~text", "back", "/command", "restart?" (tap Start again),
// "restart-no", "restart-yes".
type persona struct {
	name    string
	other   bool // checking for family or a friend: .other texts expected
	script  []string
	answers map[string]string

	// For a verdict: band id, the headline's message id and the signs
	// named, exactly (every sign raised is named).
	band     string
	headline string
	reasons  []string
	// actions are the action items shown, exactly.
	actions []string
	// steps must be among "what to do now", noSteps must not.
	steps, noSteps []string

	// For an end message (emergency): its message id.
	end string

	contacts     []string // contact ids shown (name and every number)
	noContacts   []string // contact ids not shown
	firstContact string   // the contact listed first
	notAsked     []string // questions never asked
	notOffered   map[string][]string
	texts        []string // message ids rendered somewhere in the conversation
	absent       []string // raw strings that must appear nowhere
}

// personaRun is one persona's conversation with a Core on miniredis.
type personaRun struct {
	t      *testing.T
	core   *convo.Core
	lang   string
	last   convo.Response
	all    []string        // every text shown, edits and button labels included
	log    strings.Builder // the transcript, for the golden file
	asked  []string        // questions in the order asked
	chatID int64
}

func newPersonaCore(t *testing.T) *convo.Core {
	t.Helper()
	return testcore.New(t, convo.Embedded).Core
}

func (p *personaRun) send(req convo.Request, said string) {
	p.t.Helper()
	req.ChatID = p.chatID
	req.LangHint = p.lang
	p.last = p.core.Handle(context.Background(), req)
	fmt.Fprintf(&p.log, "> %s\n", said)
	if p.last.Toast != "" {
		fmt.Fprintf(&p.log, "(toast) %s\n", p.last.Toast)
	}
	if p.last.Edit != nil {
		p.all = append(p.all, p.last.Edit.Text())
		fmt.Fprintf(&p.log, "(edit) %s\n", strings.ReplaceAll(p.last.Edit.Text(), "\n\n", "\n"))
	}
	for _, r := range p.last.Replies {
		p.all = append(p.all, r.Text())
		fmt.Fprintf(&p.log, "\n%s\n", r.Text())
		for _, row := range r.Buttons {
			var labels []string
			for _, b := range row {
				p.all = append(p.all, b.Label)
				labels = append(labels, "["+b.Label+"]")
			}
			fmt.Fprintf(&p.log, "%s\n", strings.Join(labels, " "))
		}
	}
	p.log.WriteString("\n")
	if s := p.onScreen(); s != "" {
		p.asked = append(p.asked, s)
	}
}

// onScreen returns the step whose answer buttons the last response shows.
func (p *personaRun) onScreen() string { return stepOnScreen(p.last) }

// stepOnScreen returns the step whose answer buttons resp shows, or "".
func stepOnScreen(resp convo.Response) string {
	for _, r := range resp.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if tok, ok := flows.ParseToken(b.Data); ok && tok.Kind == flows.TokAnswer {
					return tok.Step
				}
			}
		}
	}
	return ""
}

// offered returns the choices the question on screen offers.
func (p *personaRun) offered() []string {
	var out []string
	for _, r := range p.last.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if tok, ok := flows.ParseToken(b.Data); ok && tok.Kind == flows.TokAnswer {
					out = append(out, tok.Choice)
				}
			}
		}
	}
	return out
}

// tap presses the button whose token matches kind (and step and choice for
// an answer; choice alone for a restart).
func (p *personaRun) tap(kind flows.TokenKind, step, choice string) {
	p.t.Helper()
	for _, r := range p.last.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				tok, ok := flows.ParseToken(b.Data)
				if !ok || tok.Kind != kind {
					continue
				}
				if (kind == flows.TokAnswer && (tok.Step != step || tok.Choice != choice)) || (kind == flows.TokRestart && tok.Choice != choice) {
					continue
				}
				p.send(convo.Request{Kind: convo.KindButton, Data: b.Data}, "["+b.Label+"]")
				return
			}
		}
	}
	p.t.Fatalf("no button %c %s=%s; on screen: step %q\n%s", kind, step, choice, p.onScreen(), p.lastText())
}

func (p *personaRun) lastText() string {
	var parts []string
	for _, r := range p.last.Replies {
		parts = append(parts, r.Text())
	}
	return strings.Join(parts, "\n---\n")
}

// do performs one scripted action or answer.
func (p *personaRun) do(a string) {
	p.t.Helper()
	switch {
	case a == "back":
		p.tap(flows.TokBack, "", "")
	case a == "restart?":
		p.tap(flows.TokRestart, "", flows.RestartAsk)
	case a == "restart-no":
		p.tap(flows.TokRestart, "", flows.RestartNo)
	case a == "restart-yes":
		p.tap(flows.TokRestart, "", flows.RestartYes)
	case strings.HasPrefix(a, "/"):
		p.send(convo.Request{Kind: convo.KindCommand, Command: a[1:]}, a)
	case strings.Contains(a, "~"):
		step, typed, _ := strings.Cut(a, "~")
		if got := p.onScreen(); got != step {
			p.t.Fatalf("%q: step on screen is %q, want %q\n%s", a, got, step, p.lastText())
		}
		p.send(convo.Request{Kind: convo.KindText, Text: typed}, typed)
		if p.onScreen() == step {
			p.t.Fatalf("%q: typed text was not taken as an answer\n%s", a, p.lastText())
		}
	default:
		step, choice, ok := strings.Cut(a, "=")
		if !ok {
			p.t.Fatalf("bad action %q", a)
		}
		p.tap(flows.TokAnswer, step, choice)
	}
}

func (p *personaRun) play(pe persona) {
	p.t.Helper()
	p.send(convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart}, "/start")
	for _, a := range pe.script {
		if p.last.Done {
			p.t.Fatalf("%q: the check already ended", a)
		}
		p.do(a)
	}
	used := map[string]bool{}
	for range 50 {
		if p.last.Done {
			break
		}
		step := p.onScreen()
		choice, ok := pe.answers[step]
		if !ok {
			p.t.Fatalf("question %q asked, but the persona has no answer for it\n%s", step, p.lastText())
		}
		if offered, ok := pe.notOffered[step]; ok {
			for _, c := range offered {
				if slices.Contains(p.offered(), c) {
					p.t.Errorf("question %s offers %q", step, c)
				}
			}
		}
		used[step] = true
		if typed, ok := strings.CutPrefix(choice, "~"); ok {
			p.do(step + "~" + typed)
		} else {
			p.do(step + "=" + choice)
		}
	}
	if !p.last.Done {
		p.t.Fatalf("not at the end; on screen: step %q\n%s", p.onScreen(), p.lastText())
	}
	var unused []string
	for step := range pe.answers {
		if !used[step] {
			unused = append(unused, step)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		p.t.Errorf("answers for questions never asked: %v (asked: %v)", unused, p.asked)
	}
}

func TestPersonas(t *testing.T) {
	if len(personas) < 25 {
		t.Fatalf("%d personas, want at least 25", len(personas))
	}
	ct := testcore.Content(t, convo.Embedded)
	seen := map[string]bool{}
	for _, pe := range personas {
		if seen[pe.name] {
			t.Fatalf("two personas named %q", pe.name)
		}
		seen[pe.name] = true
		for _, lang := range []string{"id", "en"} {
			t.Run(pe.name+"/"+lang, func(t *testing.T) {
				p := &personaRun{t: t, core: newPersonaCore(t), lang: lang, chatID: 4242}
				p.play(pe)
				checkPersona(t, ct, pe, lang, p)
				golden.Check(t, filepath.Join("testdata", "personas", pe.name+"."+lang+".golden"), []byte(p.log.String()))
			})
		}
	}
}

// final is the text of the last response: the verdict or end message.
func checkPersona(t *testing.T, ct *convo.Content, pe persona, lang string, p *personaRun) {
	msg := personaMsg(ct, pe, lang)
	final := p.lastText()
	all := strings.Join(p.all, "\n")

	if pe.end != "" {
		if !strings.Contains(final, msg(pe.end)) {
			t.Errorf("end message %s missing:\n%s", pe.end, final)
		}
		if strings.Contains(final, msg(locales.VerdictSteps)) {
			t.Errorf("an emergency end shows a verdict:\n%s", final)
		}
	} else {
		checkVerdict(t, ct, pe, lang, p)
	}
	for _, r := range p.last.Replies {
		if n := flows.TextLen(r.Text()); n > convo.MaxMessage {
			t.Errorf("a message of %d characters", n)
		}
	}

	for _, id := range pe.contacts {
		c := ct.Set.Contacts[id]
		if c == nil {
			t.Fatalf("contact %q is not in the directory", id)
		}
		if !strings.Contains(final, c.Name[lang]) {
			t.Errorf("contact %s (%q) not shown:\n%s", id, c.Name[lang], final)
		}
		for _, n := range c.Call {
			if !strings.Contains(final, n.Number) {
				t.Errorf("number %s of contact %s not shown", n.Number, id)
			}
		}
		if wa := c.WhatsAppLink(); wa != "" && !strings.Contains(final, wa) {
			t.Errorf("WhatsApp %s of contact %s not shown", wa, id)
		}
	}
	if pe.firstContact != "" {
		c := ct.Set.Contacts[pe.firstContact]
		first := ""
		for _, line := range strings.Split(final, "\n") {
			if strings.HasPrefix(line, "• ") && strings.Contains(line, ": ") && hasContactName(ct, lang, line) {
				first = line
				break
			}
		}
		if !strings.HasPrefix(first, "• "+c.Name[lang]+":") {
			t.Errorf("first contact is %q, want %s", first, pe.firstContact)
		}
	}
	for _, id := range pe.noContacts {
		c := ct.Set.Contacts[id]
		if c == nil {
			t.Fatalf("contact %q is not in the directory", id)
		}
		if strings.Contains(final, c.Name[lang]) {
			t.Errorf("contact %s must not be shown:\n%s", id, final)
		}
		for _, n := range c.Call {
			if strings.Contains(all, n.Number) {
				t.Errorf("number %s of contact %s must not be shown", n.Number, id)
			}
		}
	}
	for _, step := range pe.notAsked {
		if slices.Contains(p.asked, step) {
			t.Errorf("question %s was asked", step)
		}
	}
	for _, s := range pe.absent {
		if strings.Contains(all, s) {
			t.Errorf("%q must appear nowhere, but it does", s)
		}
	}
	for _, id := range pe.texts {
		if !strings.Contains(all, msg(id)) {
			t.Errorf("text %s (%q) never shown", id, msg(id))
		}
	}
	if pe.other {
		// Perspective leaks: no "you" variant of any message with an
		// .other one may appear anywhere.
		for _, id := range ct.Msgs.Keys(lang) {
			if strings.HasSuffix(id, ".other") || !ct.Msgs.Has(lang, id+".other") {
				continue
			}
			self := ct.Msgs.Text(lang, id, false, nil)
			if self != ct.Msgs.Text(lang, id, true, nil) && strings.Contains(all, self) {
				t.Errorf("the \"you\" form of %s is shown while checking for someone else", id)
			}
		}
	}
	if strings.Contains(all, "<no value>") || strings.Contains(all, "{{") {
		t.Errorf("a template was not filled in:\n%s", all)
	}
	checkShownNumbers(t, ct.Set, all)
}

func hasContactName(ct *convo.Content, lang, line string) bool {
	for _, c := range ct.Set.Contacts {
		if strings.HasPrefix(line, "• "+c.Name[lang]+":") {
			return true
		}
	}
	return false
}

// highRiskSteps are what every higher-risk verdict must say to do.
var highRiskSteps = []string{"step.dont_pay", "step.keep_proof"}

func checkVerdict(t *testing.T, ct *convo.Content, pe persona, lang string, p *personaRun) {
	f := ct.Flow
	final := p.lastText()
	msg := personaMsg(ct, pe, lang)
	var band *flows.Band
	for i := range f.Bands {
		b := &f.Bands[i]
		if b.ID == pe.band {
			band = b
		} else if strings.Contains(final, msg(b.Text)) {
			t.Errorf("band %s shown, want %s:\n%s", b.ID, pe.band, final)
		}
	}
	if band == nil {
		t.Fatalf("the flow has no band %q", pe.band)
	}
	if !strings.HasPrefix(final, msg(band.Text)+"\n") {
		t.Errorf("the verdict does not open with band %s (%q):\n%s", pe.band, msg(band.Text), final)
	}
	// The headline is the second line: one line a person can act on.
	if pe.headline == "" {
		t.Fatalf("persona %s has no expected headline", pe.name)
	}
	lines := strings.SplitN(final, "\n", 3)
	want := msg(pe.headline)
	if len(lines) < 2 || lines[1] != want {
		t.Errorf("headline: want %s %q, got %q", pe.headline, want, lines[1])
	}
	if pe.other && msg(pe.headline) == ct.Msgs.Text(lang, pe.headline, false, nil) {
		t.Errorf("headline %s has no .other variant in %s", pe.headline, lang)
	}

	// Every sign raised is named: exactly the expected ones, strong ones
	// under the first heading and lighter ones after.
	shown := map[string]bool{}
	for id, fl := range f.Flags {
		if strings.Contains(final, "• "+msg(fl.Reason)) {
			shown[id] = true
		}
	}
	for _, id := range pe.reasons {
		if f.Flags[id] == nil {
			t.Fatalf("the flow has no flag %q", id)
		}
		if !shown[id] {
			t.Errorf("sign %s is not named: %q\n%s", id, msg(f.Flags[id].Reason), final)
		}
		delete(shown, id)
	}
	for id := range shown {
		t.Errorf("sign %s is named, but not expected", id)
	}
	ilo, _, _ := strings.Cut(ct.Msgs.Text(lang, locales.VerdictILO, pe.other, map[string]any{"List": "\x00"}), "\x00") // up to the list
	if has := strings.Contains(final, ilo); has != (len(pe.reasons) > 0) {
		t.Errorf("ILO line shown: %v, want %v", has, len(pe.reasons) > 0)
	}

	// What to do now.
	todo := section(final, msg(locales.VerdictSteps))
	if todo == "" {
		t.Errorf("no \"what to do now\" in:\n%s", final)
	}
	for _, id := range pe.steps {
		if !strings.Contains(todo, ". "+msg(id)) {
			t.Errorf("step %s missing from what to do: %q\n%s", id, msg(id), todo)
		}
	}
	for _, id := range pe.noSteps {
		if strings.Contains(todo, msg(id)) {
			t.Errorf("step %s must not be among what to do:\n%s", id, todo)
		}
	}
	// Where a sign rules out every legal route, no step may suggest one.
	for _, id := range pe.reasons {
		if !f.Flags[id].NoLegalRoute {
			continue
		}
		for _, st := range f.LegalRoute {
			if strings.Contains(todo, msg(st)) {
				t.Errorf("sign %s rules out a legal route, but step %s suggests one:\n%s", id, st, todo)
			}
		}
	}
	if pe.band == "high" {
		for _, st := range highRiskSteps {
			if !strings.Contains(todo, msg(st)) {
				t.Errorf("a higher-risk verdict lacks %s:\n%s", st, todo)
			}
		}
		for _, st := range []string{"step.licence", "step.register", "step.work_visa", "step.bpjs"} {
			if strings.Contains(todo, msg(st)) {
				t.Errorf("a higher-risk verdict suggests %s, as if the offer could go ahead:\n%s", st, todo)
			}
		}
	}

	// Action items: exactly the expected ones.
	wantAct := map[string]bool{}
	for _, id := range pe.actions {
		wantAct[id] = true
		if !strings.Contains(final, "• "+msg(id)) {
			t.Errorf("action item %s missing: %q", id, msg(id))
		}
	}
	for _, id := range ct.Msgs.Keys(lang) {
		if strings.HasPrefix(id, "act.") && !strings.HasSuffix(id, ".other") && !wantAct[id] && strings.Contains(final, msg(id)) {
			t.Errorf("action item %s shown, but not expected", id)
		}
	}
	if has := strings.Contains(final, msg(locales.VerdictActions)); has != (len(pe.actions) > 0) {
		t.Errorf("action heading shown: %v, want %v", has, len(pe.actions) > 0)
	}
	// Every verdict names KP2MI, SAPA 129 and the police.
	for _, id := range f.Result.Contacts {
		if !strings.Contains(final, ct.Set.Contacts[id].Name[lang]) {
			t.Errorf("verdict lacks contact %s", id)
		}
	}
	// Never "safe", never "this is trafficking".
	low := strings.ToLower(final)
	for _, bad := range []string{"is safe", "are safe", " safe.", "this is trafficking", "ini perdagangan orang", "tawaran ini aman", "sudah aman", "pasti aman"} {
		if strings.Contains(low, bad) {
			t.Errorf("verdict says %q", bad)
		}
	}
}

// personaMsg renders messages as the persona sees them: in its language
// and perspective, {{.Country}} naming the country it chose.
func personaMsg(ct *convo.Content, pe persona, lang string) func(id string) string {
	// The last destination chosen: the script runs before the answers.
	var dest string
	for _, a := range pe.script {
		if c, ok := strings.CutPrefix(a, "destination="); ok {
			dest = c
		}
	}
	if c, ok := pe.answers["destination"]; ok {
		dest = c
	}
	vars := map[string]any{}
	f := ct.Flow
	if ch := f.Steps[f.Country].Choice(dest); ch != nil {
		id := ch.Name
		if id == "" {
			id = ch.Text
		}
		vars["Country"] = ct.Msgs.Text(lang, id, pe.other, nil)
	}
	return func(id string) string { return ct.Msgs.Text(lang, id, pe.other, vars) }
}

// section returns the lines after heading up to the next blank line.
func section(text, heading string) string {
	_, rest, ok := strings.Cut(text, heading+"\n")
	if !ok {
		return ""
	}
	body, _, _ := strings.Cut(rest, "\n\n")
	return body
}

// phoneLike matches what a reader would take for a phone number: an
// international number, a number starting with 0, or a run of at least 7
// digits (spaces, dots and hyphens inside).
var phoneLike = regexp.MustCompile(`\+\d[\d -]*\d|(?:^|[\s(:])(0\d[\d -]*\d)|\d[\d -]{6,}\d`)

// checkShownNumbers fails for a phone-number-like string that is not an
// enabled number of the directory.
func checkShownNumbers(t *testing.T, set *flows.Set, text string) {
	t.Helper()
	known := map[string]bool{}
	for _, c := range set.Contacts {
		if c.Disabled != "" {
			continue
		}
		for _, n := range c.Call {
			known[digitsOf(n.Number)] = true
		}
		if c.WhatsApp != "" {
			known[digitsOf(c.WhatsApp)] = true
		}
	}
	for _, m := range phoneLike.FindAllStringSubmatch(text, -1) {
		s := m[0]
		if m[1] != "" {
			s = m[1]
		}
		d := digitsOf(s)
		if known[d] {
			continue
		}
		if len(d) >= 7 || strings.HasPrefix(strings.TrimSpace(s), "+") || strings.HasPrefix(strings.TrimSpace(s), "0") {
			t.Errorf("phone-like %q is shown but is no enabled number of the contact directory", s)
		}
	}
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestWelcomeHasTheEssentials: the first message says what the bot does and
// how long it takes, has one privacy line, a language switch and three
// doors (my offer, someone else's, in trouble abroad now).
func TestWelcomeHasTheEssentials(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			p := &personaRun{t: t, core: newPersonaCore(t), lang: lang, chatID: 1}
			p.send(convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart}, "/start")
			body := p.lastText()
			duration := map[string]string{"id": "2 sampai 3 menit", "en": "2 to 3 minutes"}[lang]
			for _, want := range []string{duration, "/forget"} {
				if !strings.Contains(body, want) {
					t.Errorf("welcome lacks %q:\n%s", want, body)
				}
			}
			privacy := 0
			for _, line := range strings.Split(body, "\n") {
				if strings.HasPrefix(line, "Priva") {
					privacy++
				}
			}
			if privacy != 1 {
				t.Errorf("welcome has %d privacy lines, want 1:\n%s", privacy, body)
			}
			var doors []string
			lang2 := false
			for _, r := range p.last.Replies {
				for _, row := range r.Buttons {
					for _, b := range row {
						tok, _ := flows.ParseToken(b.Data)
						switch tok.Kind {
						case flows.TokAnswer:
							doors = append(doors, tok.Choice)
						case flows.TokLanguage:
							lang2 = true
						}
					}
				}
			}
			if strings.Join(doors, ",") != "self,other,sos" {
				t.Errorf("doors %v, want self, other, sos", doors)
			}
			if !lang2 {
				t.Error("no language switch on the welcome")
			}
		})
	}
}
