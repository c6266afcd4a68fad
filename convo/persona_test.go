package convo_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testcore"
	"github.com/selfcheck-id/selfcheck/locales"
)

// A persona is one person going through the shipped flow, with what the
// verdict (or the emergency end message) must say. Expectations are derived
// by hand from /work/shared/domain/red-flags.md (severity: critical = high
// band alone; high weighs 4, medium 2; medium band from 3 points, high from
// 8; 3 or more "I don't know" lift lower to medium) and the flow's steps, not
// read back from the flow: a changed weight, band or `when` fails here.
//
// Each answer is one of:
//
//	"step=choice"  tap the answer button of choice on step (fails when that
//	               step is not the one on screen)
//	"step~text"    check step is on screen, then type text instead of tapping
//	"back"         tap the Back button
//	"/help"        send a command
type persona struct {
	name    string
	answers []string
	other   bool // checking for family or a friend: .other texts expected

	// For a verdict: band id and the flags whose reasons must be shown, and
	// no others (the verdict shows at most result.max_reasons: list those).
	band    string
	reasons []string
	// actions are the action items that must be shown, and no others.
	actions []string

	// For an end message (emergency): its message id.
	end string

	contacts   []string // contact ids that must be shown (name and every number)
	noContacts []string // contact ids that must not be shown
	texts      []string // message ids rendered somewhere in the conversation
	absent     []string // raw strings that must appear nowhere
}

// cleanTail answers the tail of a check with no further warning sign, from
// disnaker on, for offers where replace is asked and returnee is not.
var cleanTail = []string{"disnaker=yes", "passport=self", "secrecy=no", "replace=no", "interview=yes", "data=no", "age=adult"}

func tail(extra ...string) []string { return append(append([]string(nil), cleanTail...), extra...) }

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var personas = []persona{
	{
		// The typical ad: Facebook "customer service" in Cambodia, high pay,
		// ticket paid by the company, tourist visa, via Bangkok overland.
		name: "cambodia-cs-facebook-tourist-visa",
		answers: []string{"welcome=self", "source=socmed", "destination=kh", "dest_change=no", "job=cs",
			"salary=high", "fees=debt", "visa=tourist", "route=indirect", "contract=arrival", "licence=noname",
			"disnaker=no", "passport=unknown", "secrecy=yes", "replace=no", "interview=chat", "data=yes",
			"age=adult", "returnee=no"},
		band: "high",
		// Raised: recruit_socmed 2, dest_no_placement C, job_scam_titles 2,
		// pay_too_good 4, debt_travel C, visa_tourist C, route_indirect 4,
		// no_contract 4, no_licence 4, ... Shown: the three critical ones in
		// the order raised, then the first two weight-4 ones.
		reasons:  []string{"dest_no_placement", "debt_travel", "visa_tourist", "pay_too_good", "route_indirect"},
		actions:  []string{"act.passport"},
		contacts: []string{"kp2mi", "sapa129", "police", "kbri-phnom-penh", "siskop2mi"},
		texts:    []string{"q.passport", "q.visa"},
	},
	{
		// A licensed company (checked on SISKOP2MI) to a factory in Taiwan:
		// signed contract, work visa, no fees. No sign at all, yet the
		// verdict says "lower risk (still check)" with the safe-route steps.
		name: "taiwan-factory-licensed-company",
		answers: join([]string{"welcome=self", "source=company", "destination=other", "dest_change=no", "job=regular",
			"salary=normal", "fees=no", "visa=work", "route=direct", "contract=signed", "licence=ok"}, tail()),
		band:       "lower",
		noContacts: []string{"siskop2mi", "kbri-phnom-penh"},
	},
	{
		// A friend working in Malaysia brings the offer; many answers are
		// "I don't know". recruit_friend_there (high, 4) gives medium by
		// points; the unknowns become action items.
		name: "malaysia-friend-many-unknowns",
		answers: []string{"welcome=self", "source=friend", "destination=my", "dest_change=unknown", "job=regular",
			"salary=unknown", "fees=no", "visa=unknown", "contract=unknown", "licence=unknown",
			"disnaker=unknown", "passport=self", "secrecy=no", "replace=unknown", "interview=yes", "data=no", "age=adult"},
		band:     "medium",
		reasons:  []string{"recruit_friend_there"},
		actions:  []string{"act.dest_change", "act.salary", "act.visa", "act.contract", "act.licence", "act.disnaker", "act.replace"},
		contacts: []string{"kp2mi", "sapa129", "police", "kbri-kuala-lumpur", "siskop2mi"},
	},
	{
		// A relative is already held near Myawaddy (Myanmar): the third door
		// of the welcome, straight to the emergency contacts.
		name:       "myawaddy-relative-held",
		answers:    []string{"welcome=sos", "emg_country=mm"},
		end:        "end.emergency",
		contacts:   []string{"kbri-yangon", "kemlu-safetravel", "kp2mi", "sapa129", "police"},
		noContacts: []string{"kbri-phnom-penh", "kbri-bangkok"},
	},
	{
		// The same, reached with /help in the middle of a check.
		name:     "myawaddy-via-help-mid-check",
		answers:  []string{"welcome=other", "source=friend", "/help", "emg_country=mm"},
		end:      "end.emergency",
		contacts: []string{"kbri-yangon", "kemlu-safetravel", "kp2mi", "sapa129", "police"},
	},
	{
		// A 17-year-old typing instead of tapping: an otherwise clean offer
		// from a social-media ad. under_18 is critical.
		name: "under-18-typed-answers",
		answers: []string{"welcome~1", "source~1", "destination=my", "dest_change~nggak", "job=regular",
			"salary=normal", "fees=no", "visa=work", "contract=signed", "licence=ok", "disnaker~ya",
			"passport=self", "secrecy~tidak", "replace~no", "interview=yes", "data~2", "age~1"},
		band:     "high",
		reasons:  []string{"under_18", "recruit_socmed"},
		contacts: []string{"kbri-kuala-lumpur"},
	},
	{
		// Everything official-looking, but the agent keeps the passport.
		name: "passport-kept-by-agent",
		answers: join([]string{"welcome=self", "source=company", "destination=other", "dest_change=no", "job=regular",
			"salary=normal", "fees=no", "visa=work", "route=direct", "contract=signed", "licence=ok",
			"disnaker=yes", "passport=kept"}, []string{"secrecy=no", "replace=no", "interview=yes", "data=no", "age=adult"}),
		band:    "high",
		reasons: []string{"passport_kept"},
	},
	{
		// An individual recruiter (calo) for Thailand: "we pay your ticket,
		// you repay from your salary".
		name: "debt-for-ticket-thailand",
		answers: join([]string{"welcome=self", "source=person", "destination=th", "dest_change=no", "job=regular",
			"salary=normal", "fees=debt", "visa=work", "route=direct", "contract=signed", "licence_thla=ok"}, tail()),
		band:     "high",
		reasons:  []string{"debt_travel", "recruit_socmed"},
		contacts: []string{"kbri-bangkok"},
	},
	{
		// In trouble in Laos: no confirmed embassy number, so none is shown
		// (the 2019 staff mobiles are not in the directory at all), only the
		// Safe Travel app and KP2MI.
		name:       "laos-emergency",
		answers:    []string{"welcome=sos", "emg_country=la"},
		end:        "end.emergency_laos",
		contacts:   []string{"kemlu-safetravel", "kp2mi", "sapa129", "police"},
		noContacts: []string{"kbri-vientiane", "kbri-bangkok", "kemlu-hotline"},
		absent:     []string{"+856", "+62 812 9007 0027"},
	},
	{
		// In trouble in the UAE: the Dubai consulate (re-confirmed 2024) is
		// shown, the 2020-only Abu Dhabi number is not.
		name:       "uae-emergency",
		answers:    []string{"welcome=sos", "emg_country=ae"},
		end:        "end.emergency",
		contacts:   []string{"kjri-dubai", "kemlu-safetravel", "kp2mi"},
		noContacts: []string{"kbri-abu-dhabi"},
		absent:     []string{"+971 56 615 6259"},
	},
	{
		// Domestic work for a private household in Saudi Arabia through a
		// company: md_domestic is high, not critical (the moratorium is under
		// review), so alone it gives medium.
		name: "middle-east-domestic-work",
		answers: join([]string{"welcome=self", "source=company", "destination=me", "dest_change=no", "job=domestic",
			"household=yes", "salary=normal", "fees=no", "visa=work", "contract=signed", "licence=ok"}, tail()),
		band:    "medium",
		reasons: []string{"md_domestic"},
		texts:   []string{"q.household"},
	},
	{
		// Sent home from a gambling company in Thailand, going back through
		// a licensed company: job_gambling 4 + returnee_same 4 = 8, high by
		// points; SBMI and IOM are added.
		name: "returnee-going-back",
		answers: join([]string{"welcome=self", "source=company", "destination=th", "dest_change=no", "job=gamble",
			"salary=normal", "fees=no", "visa=work", "route=direct", "contract=signed", "licence_thla=ok"},
			tail("returnee=yes")),
		band:     "high",
		reasons:  []string{"job_gambling", "returnee_same"},
		contacts: []string{"sbmi", "iom", "kbri-bangkok"},
	},
	{
		// A government-to-government scheme to Korea: the licence and "tukar
		// kepala" questions are not asked.
		name: "g-to-g-scheme",
		answers: []string{"welcome=self", "source=gov", "destination=other", "dest_change=no", "job=regular",
			"salary=normal", "fees=no", "visa=work", "route=direct", "contract=signed",
			"disnaker=yes", "passport=self", "secrecy=no", "interview=yes", "data=no", "age=adult"},
		band:       "lower",
		noContacts: []string{"siskop2mi"},
	},
	{
		// A mother checking her son's "data operator" offer from TikTok; the
		// country is not named yet. Every question, button and band text
		// speaks about "them".
		name:  "family-member-unknown-country",
		other: true,
		// With no country named, the route question is asked too; she does
		// not know the route either.
		answers: []string{"welcome=other", "source=socmed", "destination=unknown", "job=data", "salary=high",
			"fees=no", "visa=unknown", "route=unknown", "contract=none", "licence=unknown", "disnaker=unknown", "passport=self",
			"secrecy=no", "replace=no", "interview=chat", "data=no", "age=adult", "returnee=no"},
		band: "high",
		// 2+4+2+4+4+2 = 18. Weight 4 first (raised order), then weight 2;
		// no_interview is the sixth and not shown.
		reasons: []string{"dest_unknown", "pay_too_good", "no_contract", "recruit_socmed", "job_scam_titles"},
		actions: []string{"act.destination", "act.visa", "act.route", "act.licence", "act.disnaker"},
		texts: []string{"q.source", "q.fees", "q.visa", "q.route", "q.contract", "q.disnaker", "q.passport", "q.secrecy",
			"q.interview", "q.data", "q.age", "q.returnee", "c.passport.self", "c.contract.foreign"},
	},
	{
		// A parent checking a Vietnam offer through a company, unable to
		// answer three questions: no sign, but three unknowns lift it to
		// medium.
		name:  "family-vietnam-three-unknowns",
		other: true,
		answers: join([]string{"welcome=other", "source=company", "destination=vn", "dest_change=no", "job=regular",
			"salary=unknown", "fees=unknown", "visa=work", "contract=unknown", "licence=ok"}, tail()),
		band:     "medium",
		actions:  []string{"act.salary", "act.fees", "act.contract"},
		contacts: []string{"kbri-hanoi", "kjri-hcmc"},
		texts:    []string{"q.dest_change", "q.fees", "q.age"},
	},
	{
		// The same with two unknowns stays lower: the boundary of
		// unknowns_for_medium.
		name:  "family-vietnam-two-unknowns",
		other: true,
		answers: join([]string{"welcome=other", "source=company", "destination=vn", "dest_change=no", "job=regular",
			"salary=unknown", "fees=unknown", "visa=work", "contract=signed", "licence=ok"}, tail()),
		band:    "lower",
		actions: []string{"act.salary", "act.fees"},
	},
	{
		// Picks Cambodia, goes back and picks Malaysia: the Cambodia flag and
		// embassy are gone. Only the ad remains (2 points: lower).
		name: "back-changes-country",
		answers: join([]string{"welcome=self", "source=socmed", "destination=kh", "back", "destination=my",
			"dest_change=no", "job=regular", "salary=normal", "fees=no", "visa=work", "contract=signed",
			"licence=ok"}, tail()),
		band:       "lower",
		reasons:    []string{"recruit_socmed"},
		contacts:   []string{"kbri-kuala-lumpur"},
		noContacts: []string{"kbri-phnom-penh"},
	},
	{
		// Says an individual asked for ID data, goes back twice and answers again.
		name: "back-twice-corrects-data",
		answers: []string{"welcome=self", "source=company", "destination=other", "dest_change=no", "job=regular",
			"salary=normal", "fees=no", "visa=work", "route=direct", "contract=signed", "licence=ok",
			"disnaker=yes", "passport=self", "secrecy=no", "replace=no", "interview=yes", "data=yes", "back", "back",
			"interview=yes", "data=no", "age=adult"},
		band: "lower",
	},
	{
		// Thailand through a social-media ad, company not licensed: no_licence
		// and dest_no_cooperation (both high), plus two medium signs.
		name: "thailand-unlicensed-socmed",
		answers: join([]string{"welcome=self", "source=socmed", "destination=th", "dest_change=no", "job=cs",
			"salary=normal", "fees=no", "visa=work", "route=direct", "contract=signed", "licence_thla=no"},
			tail("returnee=no")),
		band:     "high",
		reasons:  []string{"no_licence", "dest_no_cooperation", "recruit_socmed", "job_scam_titles"},
		contacts: []string{"kbri-bangkok", "siskop2mi"},
	},
	{
		// Promised Malaysia, told "start in Malaysia, move on later": dest_switch
		// is critical.
		name: "malaysia-then-move",
		answers: join([]string{"welcome=self", "source=company", "destination=my", "dest_change=yes", "job=regular",
			"salary=normal", "fees=no", "visa=work", "contract=signed", "licence=ok"}, tail()),
		band:    "high",
		reasons: []string{"dest_switch"},
	},
	{
		// "Tukar kepala": someone there may leave once a replacement comes;
		// with secrecy and a contract in Chinese: 4+4+4 = 12.
		name: "tukar-kepala-secrecy-foreign-contract",
		answers: []string{"welcome=self", "source=company", "destination=ph", "dest_change=no", "job=regular",
			"salary=normal", "fees=no", "visa=work", "contract=foreign", "licence=ok", "disnaker=yes",
			"passport=self", "secrecy=yes", "replace=yes", "interview=yes", "data=no", "age=adult"},
		band:     "high",
		reasons:  []string{"contract_foreign", "secrecy_rush", "recruit_friend_there"},
		contacts: []string{"kbri-manila"},
	},
	{
		// Only medium signs: a chat-only hire that asked for ID by chat
		// (2+2 = 4): medium.
		name: "chat-hire-personal-data",
		answers: []string{"welcome=self", "source=company", "destination=other", "dest_change=no", "job=regular",
			"salary=normal", "fees=no", "visa=work", "route=direct", "contract=signed", "licence=ok",
			"disnaker=yes", "passport=self", "secrecy=no", "replace=no", "interview=chat", "data=yes", "age=adult"},
		band:    "medium",
		reasons: []string{"no_interview", "personal_data"},
	},
}

// personaRun is one persona's conversation with a Core on miniredis.
type personaRun struct {
	t      *testing.T
	core   *convo.Core
	lang   string
	last   convo.Response
	all    []string // every text shown, edits included
	chatID int64
}

func newPersonaCore(t *testing.T) *convo.Core {
	t.Helper()
	return testcore.New(t, convo.Embedded).Core
}

func (p *personaRun) send(req convo.Request) {
	p.t.Helper()
	req.ChatID = p.chatID
	req.LangHint = p.lang
	p.last = p.core.Handle(context.Background(), req)
	if p.last.Edit != nil {
		p.all = append(p.all, p.last.Edit.Text())
	}
	for _, r := range p.last.Replies {
		p.all = append(p.all, r.Text())
		for _, row := range r.Buttons {
			for _, b := range row {
				p.all = append(p.all, b.Label)
			}
		}
	}
}

// onScreen returns the step whose answer buttons the last response shows.
func (p *personaRun) onScreen() string {
	for _, r := range p.last.Replies {
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

// tap presses the button whose token matches kind (and step and choice for
// an answer).
func (p *personaRun) tap(kind flows.TokenKind, step, choice string) {
	p.t.Helper()
	for _, r := range p.last.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				tok, ok := flows.ParseToken(b.Data)
				if ok && tok.Kind == kind && (kind != flows.TokAnswer || tok.Step == step && tok.Choice == choice) {
					p.send(convo.Request{Kind: convo.KindButton, Data: b.Data})
					return
				}
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

func (p *personaRun) play(answers []string) {
	p.t.Helper()
	p.send(convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart})
	for i, a := range answers {
		if p.last.Done {
			p.t.Fatalf("answer %d %q: the check already ended", i+1, a)
		}
		switch {
		case a == "back":
			p.tap(flows.TokBack, "", "")
		case strings.HasPrefix(a, "/"):
			p.send(convo.Request{Kind: convo.KindCommand, Command: a[1:]})
		case strings.Contains(a, "~"):
			step, typed, _ := strings.Cut(a, "~")
			if got := p.onScreen(); got != step {
				p.t.Fatalf("answer %d %q: step on screen is %q, want %q\n%s", i+1, a, got, step, p.lastText())
			}
			p.send(convo.Request{Kind: convo.KindText, Text: typed})
			if p.onScreen() == step {
				p.t.Fatalf("answer %d %q: typed text was not taken as an answer\n%s", i+1, a, p.lastText())
			}
		default:
			step, choice, ok := strings.Cut(a, "=")
			if !ok {
				p.t.Fatalf("bad answer %q", a)
			}
			p.tap(flows.TokAnswer, step, choice)
		}
	}
	if !p.last.Done {
		p.t.Fatalf("not at the end after %d answers; on screen: step %q\n%s", len(answers), p.onScreen(), p.lastText())
	}
}

func TestPersonas(t *testing.T) {
	if len(personas) < 15 {
		t.Fatalf("%d personas, want at least 15", len(personas))
	}
	ct := testcore.Content(t, convo.Embedded)
	for _, pe := range personas {
		for _, lang := range []string{"id", "en"} {
			t.Run(pe.name+"/"+lang, func(t *testing.T) {
				p := &personaRun{t: t, core: newPersonaCore(t), lang: lang, chatID: 4242}
				p.play(pe.answers)
				checkPersona(t, ct, pe, lang, p)
			})
		}
	}
}

func checkPersona(t *testing.T, ct *convo.Content, pe persona, lang string, p *personaRun) {
	msg := func(id string) string { return ct.Msgs.Text(lang, id, pe.other, nil) }
	final := p.lastText()
	all := strings.Join(p.all, "\n")

	if pe.end != "" {
		if !strings.Contains(final, msg(pe.end)) {
			t.Errorf("end message %s missing:\n%s", pe.end, final)
		}
		if strings.Contains(final, msg(locales.VerdictReasons)) {
			t.Errorf("an emergency end shows a verdict:\n%s", final)
		}
	} else {
		checkVerdict(t, ct, pe, lang, final)
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
	for _, s := range pe.absent {
		if strings.Contains(all, s) {
			t.Errorf("%q must appear nowhere, but it does", s)
		}
	}
	for _, id := range pe.texts {
		if !strings.Contains(all, msg(id)) {
			t.Errorf("text %s (%q) never shown", id, msg(id))
		}
		// For someone else, the "you" form must not leak where a variant exists.
		if pe.other && ct.Msgs.Has(lang, id+".other") && strings.Contains(all, ct.Msgs.Text(lang, id, false, nil)) {
			t.Errorf("text %s shown in the \"you\" form while checking for someone else", id)
		}
	}
	if pe.other {
		// Perspective leaks: no "you" variant of any message with an .other
		// one may appear anywhere.
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
	checkShownNumbers(t, ct.Set, all)
}

func checkVerdict(t *testing.T, ct *convo.Content, pe persona, lang, final string) {
	f := ct.Flow
	msg := func(id string) string { return ct.Msgs.Text(lang, id, pe.other, nil) }
	var band *flows.Band
	for i := range f.Bands {
		b := &f.Bands[i]
		if b.ID == pe.band {
			band = b
			continue
		}
		if strings.Contains(final, msg(b.Text)) {
			t.Errorf("band %s shown, want %s:\n%s", b.ID, pe.band, final)
		}
	}
	if band == nil {
		t.Fatalf("the flow has no band %q", pe.band)
	}
	if !strings.Contains(final, msg(band.Text)) {
		t.Errorf("band %s (%q) not shown:\n%s", pe.band, msg(band.Text), final)
	}
	if pe.other && msg(band.Text) == ct.Msgs.Text(lang, band.Text, false, nil) {
		t.Errorf("band %s has no .other variant in %s", band.ID, lang)
	}

	// Reasons: exactly the expected ones, each in this language.
	want := map[string]bool{}
	for _, id := range pe.reasons {
		fl := f.Flags[id]
		if fl == nil {
			t.Fatalf("the flow has no flag %q", id)
		}
		want[id] = true
		if !strings.Contains(final, "• "+msg(fl.Reason)) {
			t.Errorf("reason of %s missing: %q\n%s", id, msg(fl.Reason), final)
		}
	}
	for id, fl := range f.Flags {
		if !want[id] && strings.Contains(final, msg(fl.Reason)) {
			t.Errorf("reason of %s shown, but not expected", id)
		}
	}
	if has := strings.Contains(final, msg(locales.VerdictReasons)); has != (len(pe.reasons) > 0) {
		t.Errorf("reasons heading shown: %v, want %v", has, len(pe.reasons) > 0)
	}

	// What to do next: the band's steps, numbered. A lower verdict still
	// lists what to check.
	if len(band.Steps) == 0 {
		t.Errorf("band %s has no next steps", band.ID)
	}
	if !strings.Contains(final, msg(locales.VerdictSteps)) {
		t.Errorf("next-steps heading missing")
	}
	for i, st := range band.Steps[:min(len(band.Steps), max(f.Result.MaxSteps, 1))] {
		if !strings.Contains(final, fmt.Sprintf("%d. %s", i+1, msg(st))) {
			t.Errorf("next step %d (%s) missing", i+1, st)
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
		if strings.HasPrefix(id, "act.") && !wantAct[id] && strings.Contains(final, msg(id)) {
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
			p.send(convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart})
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
