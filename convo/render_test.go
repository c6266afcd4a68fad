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
// split into the judgement and the contacts, each within Telegram's limit.
func TestVerdictOneMessageWhenItFits(t *testing.T) {
	ct, ps := LoadContent(Embedded)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	f := ct.Flow
	worst := worstResult(f, ct.Set)
	worst.Band = &f.Bands[len(f.Bands)-1]
	short := worst
	short.Flags, short.Actions, short.Contacts = worst.Flags[:1], nil, f.Result.Contacts
	for _, lang := range ct.Msgs.Languages() {
		r := renderer{c: ct, lang: lang, nonce: "abcd1234", shareLink: "https://t.me/selfcheck_bot"}
		judgement, help := r.verdictParts(short)
		got := r.verdict(short)
		if len(got) != 1 || got[0].Body != judgement.Body+"\n\n"+help.Body || len(got[0].Buttons) == 0 {
			t.Errorf("%s: a short verdict is %d messages: %+v", lang, len(got), got)
		}
		judgement, help = r.verdictParts(worst)
		joined := flows.TextLen(judgement.Body + "\n\n" + help.Body)
		got = r.verdict(worst)
		switch {
		case joined > MaxMessage && len(got) != 2:
			t.Errorf("%s: the longest verdict (%d characters) is %d messages, want 2", lang, joined, len(got))
		case joined <= MaxMessage && len(got) != 1:
			t.Errorf("%s: the longest verdict fits (%d characters) but is %d messages", lang, joined, len(got))
		}
		for i, m := range got {
			if n := flows.TextLen(m.Text()); n > MaxMessage {
				t.Errorf("%s: message %d has %d characters", lang, i+1, n)
			}
		}
		if !strings.Contains(got[len(got)-1].Body, r.t(locales.VerdictContact, nil)) {
			t.Errorf("%s: the last message lacks the contacts", lang)
		}
		t.Logf("%s: longest verdict %d characters in %d message(s)", lang, joined, len(got))
	}
}

// TestVerdictNamesTheILOIndicators: the reasons end with the ILO
// indicators of the signs found, each named once in the user's language,
// strongest sign's first.
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
	for lang, want := range map[string]string{
		"en": "these signs come under: retention of identity documents, debt bondage.",
		"id": "tanda-tanda ini termasuk: penahanan dokumen identitas, jeratan utang.",
	} {
		r := renderer{c: ct, lang: lang, nonce: "abcd1234"}
		if got := r.verdict(res)[0].Body; !strings.Contains(got, want) {
			t.Errorf("%s: no %q in\n%s", lang, want, got)
		}
	}
}
