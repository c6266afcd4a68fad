package flows_test

import (
	"os"
	"reflect"
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
)

// mini loads the test flow that uses every feature, and fails the test if
// it does not validate.
func mini(t testing.TB) *flows.Flow {
	t.Helper()
	set, ps := flows.Load(os.DirFS("testdata/mini"), ".")
	msgs, mps := locales.Load(os.DirFS("testdata/mini-locales"), ".")
	ps = append(ps, mps...)
	ps = append(ps, flows.Validate(set, msgs, locales.CodeIDs)...)
	if len(ps) > 0 {
		t.Fatalf("mini flow does not validate: %v", ps)
	}
	return set.Flows["mini"]
}

// play applies answers from the start and returns the final state and the
// events of the last input.
func play(f *flows.Flow, answers ...string) (flows.State, []flows.Event) {
	st, evs := flows.Advance(f, flows.State{}, flows.Input{Kind: flows.Start})
	for i := 0; i+1 < len(answers); i += 2 {
		st, evs = flows.Advance(f, st, flows.Input{Kind: flows.Choose, Step: answers[i], Choice: answers[i+1]})
	}
	return st, evs
}

func TestAdvance(t *testing.T) {
	f := mini(t)
	tests := []struct {
		name     string
		answers  []string
		step     string
		band     string
		flags    []string
		actions  []string
		contacts []string
		chosen   []string // contacts chosen by answers, when checked
		other    bool
	}{
		{name: "start asks the welcome", step: "welcome"},
		{name: "welcome leads to source", answers: []string{"welcome", "self"}, step: "source"},
		{name: "near destination skips the route question",
			answers: []string{"welcome", "self", "source", "office", "dest", "near"}, step: "fee"},
		{name: "far destination asks the route",
			answers: []string{"welcome", "self", "source", "office", "dest", "far"}, step: "route"},
		{name: "no flags: lower band",
			answers: []string{"welcome", "self", "source", "office", "dest", "near", "fee", "no"},
			step:    flows.Verdict, band: "lower", contacts: []string{"hotline"}},
		{name: "a critical flag forces the high band",
			answers: []string{"welcome", "self", "source", "office", "dest", "far", "route", "no", "fee", "no"},
			step:    flows.Verdict, band: "high", flags: []string{"far"}, contacts: []string{"hotline", "embassy"}},
		{name: "weights add up: 2 is lower... 2+4 reaches high",
			answers: []string{"welcome", "other", "source", "ad", "dest", "near", "fee", "yes"},
			step:    flows.Verdict, band: "high", flags: []string{"fee", "socmed"}, contacts: []string{"hotline"}, other: true},
		{name: "two unknowns lift the band to medium and become actions",
			answers: []string{"welcome", "self", "source", "unknown", "dest", "near", "fee", "unknown"},
			step:    flows.Verdict, band: "medium", actions: []string{"act.source", "act.fee"}, contacts: []string{"hotline"}},
		{name: "emergency door ends at the help step",
			answers: []string{"welcome", "sos", "sos_country", "far"}, step: "sos_help", chosen: []string{"embassy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := play(f, tt.answers...)
			if st.Step != tt.step {
				t.Fatalf("step = %q, want %q", st.Step, tt.step)
			}
			if (st.Perspective == "other") != tt.other {
				t.Errorf("perspective = %q", st.Perspective)
			}
			r := flows.Evaluate(f, st)
			if tt.chosen != nil && !reflect.DeepEqual(r.Chosen, tt.chosen) {
				t.Errorf("chosen contacts = %v, want %v", r.Chosen, tt.chosen)
			}
			if tt.band == "" {
				return
			}
			if r.Band.ID != tt.band {
				t.Errorf("band = %s (score %d), want %s", r.Band.ID, r.Score, tt.band)
			}
			var got []string
			for _, fl := range r.Flags {
				got = append(got, fl.ID)
			}
			if !reflect.DeepEqual(got, tt.flags) {
				t.Errorf("flags = %v, want %v", got, tt.flags)
			}
			if !reflect.DeepEqual(r.Actions, tt.actions) {
				t.Errorf("actions = %v, want %v", r.Actions, tt.actions)
			}
			if !reflect.DeepEqual(r.Contacts, tt.contacts) {
				t.Errorf("contacts = %v, want %v", r.Contacts, tt.contacts)
			}
		})
	}
}

func TestAdvanceRejectsAndIsPure(t *testing.T) {
	f := mini(t)
	st, _ := play(f, "welcome", "self", "source", "ad")
	before := st
	before.Answers = append([]flows.Answer(nil), st.Answers...)

	cases := []struct {
		name string
		in   flows.Input
		want flows.RejectReason
	}{
		{"answer to an earlier question", flows.Input{Kind: flows.Choose, Step: "source", Choice: "office"}, flows.StaleInput},
		{"unknown choice", flows.Input{Kind: flows.Choose, Step: "dest", Choice: "mars"}, flows.UnknownChoice},
		{"unknown step", flows.Input{Kind: flows.Choose, Step: "nope", Choice: "far"}, flows.StaleInput},
	}
	for _, c := range cases {
		got, evs := flows.Advance(f, st, c.in)
		if len(evs) != 1 || evs[0] != (flows.Rejected{Reason: c.want}) {
			t.Errorf("%s: events = %#v", c.name, evs)
		}
		if !reflect.DeepEqual(got, before) {
			t.Errorf("%s: state changed to %+v", c.name, got)
		}
	}

	// Going back and answering differently must not touch the old state.
	back, evs := flows.Advance(f, st, flows.Input{Kind: flows.Back})
	if back.Step != "source" || len(back.Answers) != 1 || evs[0] != (flows.Asked{Step: "source"}) {
		t.Fatalf("back = %+v %v", back, evs)
	}
	_, _ = flows.Advance(f, back, flows.Input{Kind: flows.Choose, Step: "source", Choice: "office"})
	if !reflect.DeepEqual(st, before) {
		t.Errorf("input state was modified: %+v", st)
	}
}

// miniWith is the mini flow with edits, loaded as the bot loads it; it
// fails the test if the result does not validate.
func miniWith(t *testing.T, edits ...edit) *flows.Flow {
	t.Helper()
	files := fixture(t)
	applyEdits(t, files, edits...)
	set, ps := load(files)
	if len(ps) > 0 {
		t.Fatalf("the edited mini flow does not validate:\n%s", list(ps))
	}
	return set.Flows["mini"]
}

// TestChoiceWhen: a choice whose condition fails is not offered and, sent
// anyway (a forged or old button), rejected as an unknown choice without
// changing the state; when the condition holds it is an answer like any.
func TestChoiceWhen(t *testing.T) {
	f := miniWith(t, edit{fxFlow, "unknown: true, action: act.fee}", "unknown: true, action: act.fee, when: {welcome: [other]}}"})
	unknown := flows.Input{Kind: flows.Choose, Step: "fee", Choice: "unknown"}
	ids := func(cs []*flows.Choice) (out []string) {
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}

	self, _ := play(f, "welcome", "self", "source", "office", "dest", "near")
	if got := ids(f.Steps["fee"].Visible(self)); !reflect.DeepEqual(got, []string{"yes", "no"}) {
		t.Errorf("offered for one's own offer: %v, want [yes no]", got)
	}
	got, evs := flows.Advance(f, self, unknown)
	if len(evs) != 1 || evs[0] != (flows.Rejected{Reason: flows.UnknownChoice}) {
		t.Errorf("hidden choice: events = %#v, want UnknownChoice", evs)
	}
	if !reflect.DeepEqual(got, self) {
		t.Errorf("hidden choice changed the state to %+v", got)
	}

	other, _ := play(f, "welcome", "other", "source", "office", "dest", "near")
	if got := ids(f.Steps["fee"].Visible(other)); !reflect.DeepEqual(got, []string{"yes", "no", "unknown"}) {
		t.Errorf("offered for someone else: %v, want [yes no unknown]", got)
	}
	got, evs = flows.Advance(f, other, unknown)
	if got.Step != flows.Verdict || len(got.Answers) != len(other.Answers)+1 {
		t.Errorf("shown choice: state %+v, events %#v", got, evs)
	}
}

// TestEvaluateAdvice: the first case that matches gives the headline (or
// keeps the band's), the steps and its contacts, which come first; a
// verdict no case matches gets its band's; the steps answers add follow,
// each once.
func TestEvaluateAdvice(t *testing.T) {
	edits := append([]edit(nil), withAdvice...)
	edits = append(edits,
		// A second case that a "far" verdict matches too, after its own.
		edit{fxFlow, "    contacts: [local]\n", "    contacts: [local]\n  - id: high\n    if: {band: [high]}\n    steps: [step.two]\n    contacts: [hotline]\n"},
		edit{fxFlow, "{id: lower, min: 0, text: band.lower,", "{id: lower, min: 0, text: band.lower, headline: band.lower.headline,"},
		// step.three is added by two answers.
		edit{fxFlow, "{id: ad, text: c.ad, flags: [socmed]}", "{id: ad, text: c.ad, flags: [socmed], advice: [step.three]}"},
		edit{fxFlow, "{id: yes, text: c.yes, flags: [fee]}", "{id: yes, text: c.yes, flags: [fee], advice: [step.three]}"},
		// step.one, which the case far_away names already.
		edit{fxFlow, "      - {id: yes, text: c.yes}\n      - {id: no, text: c.no}\n  fee:", "      - {id: yes, text: c.yes, advice: [step.one]}\n      - {id: no, text: c.no}\n  fee:"},
		edit{fxEN, "act.dest:", "band.lower.headline: Check first.\nstep.three: Keep the receipts.\nact.dest:"},
		edit{fxID, "act.dest:", "band.lower.headline: ID Check first.\nstep.three: ID Keep the receipts.\nact.dest:"},
	)
	f := miniWith(t, edits...)
	tests := []struct {
		name     string
		answers  []string
		band     string
		advice   string // the case, "" for none
		headline string
		steps    []string
		contacts []string
	}{
		{"no case: the band's headline and steps",
			[]string{"welcome", "self", "source", "unknown", "dest", "near", "fee", "no"},
			"lower", "", "band.lower.headline", []string{"step.one"}, []string{"hotline"}},
		{"no case: the band's steps, then the answer's",
			[]string{"welcome", "self", "source", "ad", "dest", "near", "fee", "no"},
			"lower", "", "band.lower.headline", []string{"step.one", "step.three"}, []string{"hotline"}},
		{"a case without a headline keeps the band's",
			[]string{"welcome", "self", "source", "office", "dest", "near", "fee", "no"},
			"lower", "office", "band.lower.headline", []string{"step.two", "step.one"}, []string{"hotline"}},
		{"the first case that matches wins, its contacts first",
			[]string{"welcome", "self", "source", "office", "dest", "far", "route", "no", "fee", "no"},
			"high", "far_away", "advice.far", []string{"step.one"}, []string{"local", "hotline", "embassy"}},
		{"a later case when the first does not match; a step two answers add, once",
			[]string{"welcome", "self", "source", "ad", "dest", "near", "fee", "yes"},
			"high", "high", "", []string{"step.two", "step.three"}, []string{"hotline"}},
		{"a step the case names already is not added again",
			[]string{"welcome", "self", "source", "ad", "dest", "far", "route", "yes", "fee", "yes"},
			"high", "far_away", "advice.far", []string{"step.one", "step.three"}, []string{"local", "hotline", "embassy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := play(f, tt.answers...)
			if st.Step != flows.Verdict {
				t.Fatalf("step = %q, want the verdict", st.Step)
			}
			r := flows.Evaluate(f, st)
			if r.Band.ID != tt.band {
				t.Errorf("band = %s, want %s", r.Band.ID, tt.band)
			}
			got := ""
			if r.Advice != nil {
				got = r.Advice.ID
			}
			if got != tt.advice {
				t.Errorf("advice case = %q, want %q", got, tt.advice)
			}
			if r.Headline != tt.headline {
				t.Errorf("headline = %q, want %q", r.Headline, tt.headline)
			}
			if !reflect.DeepEqual(r.Steps, tt.steps) {
				t.Errorf("steps = %v, want %v", r.Steps, tt.steps)
			}
			if !reflect.DeepEqual(r.Contacts, tt.contacts) {
				t.Errorf("contacts = %v, want %v", r.Contacts, tt.contacts)
			}
		})
	}
	// Evaluate must not write the case's or the band's steps.
	if !reflect.DeepEqual(f.Advice[0].Steps, []string{"step.one"}) || !reflect.DeepEqual(f.Bands[0].Steps, []string{"step.one"}) {
		t.Errorf("Evaluate changed the flow: case steps %v, band steps %v", f.Advice[0].Steps, f.Bands[0].Steps)
	}
}

// TestEvaluateNoLegalRoute: with a sign that rules out the legal route,
// the verdict leaves out the action items listed in legal_route and the
// contacts of legal_route_contacts the answers chose; without one it keeps
// them.
func TestEvaluateNoLegalRoute(t *testing.T) {
	edits := append([]edit(nil), withAdvice...)
	edits = append(edits,
		edit{fxFlow, "    contacts: [local]\n", ""},
		edit{fxFlow, "legal_route: [step.two]\n", "legal_route: [step.two, act.fee]\nlegal_route_contacts: [local]\n"},
		edit{fxFlow, "unknown: true, action: act.fee}", "unknown: true, action: act.fee, contacts: [local]}"},
	)
	f := miniWith(t, edits...)
	tests := []struct {
		name     string
		answers  []string
		actions  []string
		contacts []string
	}{
		{"a no_legal_route sign (far): no legal action item, no legal-route contact",
			[]string{"welcome", "self", "source", "unknown", "dest", "far", "route", "no", "fee", "unknown"},
			[]string{"act.source"}, []string{"hotline", "embassy"}},
		{"no such sign: both kept",
			[]string{"welcome", "self", "source", "unknown", "dest", "near", "fee", "unknown"},
			[]string{"act.source", "act.fee"}, []string{"hotline", "local"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := play(f, tt.answers...)
			r := flows.Evaluate(f, st)
			if !reflect.DeepEqual(r.Actions, tt.actions) {
				t.Errorf("actions = %v, want %v", r.Actions, tt.actions)
			}
			if !reflect.DeepEqual(r.Contacts, tt.contacts) {
				t.Errorf("contacts = %v, want %v", r.Contacts, tt.contacts)
			}
			if r.Unknowns != 2 {
				t.Errorf("unknowns = %d, want 2: a dropped action item still counts as an unknown", r.Unknowns)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	f := mini(t)
	st, _ := play(f, "welcome", "self")
	if n, left := flows.Progress(f, st); n != 1 || left != 2 {
		// dest and fee, and route by its chance: asked for 1 of dest's 3
		// answers, so about 2.33.
		t.Errorf("at source: question %d, %d left; want 1, about 2 left", n, left)
	}
	st, _ = play(f, "welcome", "self", "source", "ad", "dest", "far")
	if n, left := flows.Progress(f, st); n != 3 || left != 1 {
		t.Errorf("at route after far: question %d, %d left; want 3, 1 left", n, left)
	}
	st, _ = play(f, "welcome", "self", "source", "ad", "dest", "near")
	if n, left := flows.Progress(f, st); n != 3 || left != 0 {
		t.Errorf("at fee after near: question %d, %d left; want 3, the last (route skipped)", n, left)
	}
	st, _ = play(f, "welcome", "self")
	if n, _ := flows.Progress(f, flows.State{Step: "welcome"}); n != 0 {
		t.Errorf("welcome counted: %d", n)
	}
}

func TestToken(t *testing.T) {
	tok := flows.Token{Kind: flows.TokAnswer, Nonce: "abcd1234", Step: "dest", Choice: "far"}
	got, ok := flows.ParseToken(tok.Encode())
	if !ok || got != tok {
		t.Fatalf("round trip: %+v %v", got, ok)
	}
	for _, bad := range []string{"", "x:1:2:3", "a:1:2", "a:1:2:3:4", "aa:1:2:3", string(make([]byte, 65))} {
		if _, ok := flows.ParseToken(bad); ok {
			t.Errorf("ParseToken(%q) accepted", bad)
		}
	}
}
