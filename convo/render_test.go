package convo

import (
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
)

// TestVerdictOneMessageWhenItFits: a verdict that fits in one message is
// one message with the end buttons (the last tap then costs three Bot API
// calls like any other); the longest verdict the shipped flow can produce is
// split between its parts (judgement, what to do, help), each message within
// Telegram's limit, the contacts and buttons in the last.
func TestVerdictOneMessageWhenItFits(t *testing.T) {
	ct, ps := LoadContent(Embedded)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	f := ct.Flow
	for _, lang := range ct.Msgs.Languages() {
		r := renderer{c: ct, lang: lang, nonce: "abcd1234", shareLink: "https://t.me/selfcheck_bot"}
		worst := worstResult(r)
		worst.Band = &f.Bands[len(f.Bands)-1]
		worst.Headline, worst.Steps = worst.Band.Headline, append(worst.Steps, worst.Band.Steps...)
		short := worst
		short.Flags, short.Actions, short.Contacts, short.Steps = worst.Flags[:1], nil, f.Result.Contacts, worst.Band.Steps
		parts := r.verdictParts(short)
		got := r.verdict(short)
		var bodies []string
		for _, p := range parts {
			bodies = append(bodies, p.Body)
		}
		if len(got) != 1 || got[0].Body != strings.Join(bodies, "\n\n") || len(got[0].Buttons) == 0 {
			t.Errorf("%s: a short verdict is %d messages: %+v", lang, len(got), got)
		}
		parts = r.verdictParts(worst)
		got = r.verdict(worst)
		total := 0
		for _, p := range parts {
			total += flows.TextLen(p.Body)
		}
		if total > MaxMessage && len(got) < 2 {
			t.Errorf("%s: the longest verdict (%d characters) is one message", lang, total)
		}
		for i, m := range got {
			if n := flows.TextLen(m.Text()); n > MaxMessage {
				t.Errorf("%s: message %d has %d characters", lang, i+1, n)
			}
			if i < len(got)-1 && len(m.Buttons) > 0 {
				t.Errorf("%s: message %d of %d has buttons", lang, i+1, len(got))
			}
		}
		if last := got[len(got)-1]; !strings.Contains(last.Body, r.t(locales.VerdictContact, nil)) || len(last.Buttons) == 0 {
			t.Errorf("%s: the last message lacks the contacts or the buttons", lang)
		}
		t.Logf("%s: longest verdict %d characters in %d message(s)", lang, total, len(got))
	}
}

// TestVerdictNamesTheILOIndicators: the reasons end with the ILO
// indicators of the signs found, each named once in the user's language,
// strongest sign's first. The expected names come from the catalog
// (ilo.* and ui.verdict_ilo), so rewording a locale does not break it.
func TestVerdictNamesTheILOIndicators(t *testing.T) {
	ct, ps := LoadContent(Embedded)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	f := ct.Flow
	res := flows.Result{Band: &f.Bands[len(f.Bands)-1]}
	for _, id := range []string{"passport_kept", "fee_charged", "debt_travel"} {
		if f.Flags[id] == nil {
			t.Fatalf("the shipped flow has no flag %q", id)
		}
		res.Flags = append(res.Flags, f.Flags[id])
	}
	// passport_kept, then fee_charged and debt_travel: two indicators, the
	// second named once.
	indicators := []string{"retention_of_identity_documents", "debt_bondage"}
	for _, lang := range ct.Msgs.Languages() {
		var names []string
		for _, ind := range indicators {
			id := flows.IndicatorMessage(ind)
			if !ct.Msgs.Has(lang, id) {
				t.Fatalf("%s: no message %q", lang, id)
			}
			names = append(names, ct.Msgs.Text(lang, id, false, nil))
		}
		want := ct.Msgs.Text(lang, locales.VerdictILO, false, map[string]any{"List": strings.Join(names, ", ")})
		if want == locales.VerdictILO {
			t.Fatalf("%s: no message %q", lang, locales.VerdictILO)
		}
		r := renderer{c: ct, lang: lang, nonce: "abcd1234"}
		if got := r.verdict(res)[0].Body; !strings.Contains(got, want) {
			t.Errorf("%s: no %q in\n%s", lang, want, got)
		}
	}
}
