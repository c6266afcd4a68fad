package flows_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
	"github.com/selfcheck-id/selfcheck/locales"
)

// fixture is the valid mini flow with its contacts and messages, as files
// a test can break.
func fixture(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, name := range []string{"mini/mini.yaml", "mini/contacts.yaml", "mini-locales/en.yaml", "mini-locales/id.yaml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	return files
}

func check(files map[string]string) yamlcheck.Problems {
	_, ps := load(files)
	return ps
}

// load loads and validates fixture files; the set is nil when they do not
// load.
func load(files map[string]string) (*flows.Set, yamlcheck.Problems) {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	set, ps := flows.Load(fsys, "mini")
	msgs, mps := locales.Load(fsys, "mini-locales")
	ps = append(ps, mps...)
	if len(ps) > 0 {
		return nil, ps
	}
	return set, flows.Validate(set, msgs, locales.CodeIDs)
}

// The fixture's files, as keys of fixture's map.
const (
	fxFlow = "mini/mini.yaml"
	fxEN   = "mini-locales/en.yaml"
	fxID   = "mini-locales/id.yaml"
)

// edit replaces the first old with new in one fixture file.
type edit struct{ file, old, new string }

func applyEdits(t *testing.T, files map[string]string, edits ...edit) {
	t.Helper()
	for _, e := range edits {
		if !strings.Contains(files[e.file], e.old) {
			t.Fatalf("%s has no %q", e.file, e.old)
		}
		files[e.file] = strings.Replace(files[e.file], e.old, e.new, 1)
	}
}

// adviceCases give the mini flow advice: the critical sign "far" rules out
// any legal route and has a case of its own, first; "office" is a case for
// the lower bands only, so it may name step.two, the one step of the legal
// route, and so may band medium and band high (far always meets its case
// first).
const adviceCases = `advice:
  - id: far_away
    if: {flags: [far]}
    headline: advice.far
    steps: [step.one]
    contacts: [local]
  - id: office
    if: {band: [lower, medium], answers: {source: [office]}}
    steps: [step.two, step.one]
legal_route: [step.two]
`

// withAdvice turns the fixture into one with advice cases and a legal route
// (adviceCases); it validates as it is.
var withAdvice = []edit{
	{fxFlow, "    critical: true\n    indicator: deception\n", "    critical: true\n    no_legal_route: true\n    indicator: deception\n"},
	{fxFlow, "  figure: figure.one\n", "  figure: figure.one\n" + adviceCases},
	{fxEN, "act.dest:", "advice.far: Do not go there.\nact.dest:"},
	{fxID, "act.dest:", "advice.far: ID Do not go there.\nact.dest:"},
}

// lineOf returns the 1-based line of the first line containing marker.
func lineOf(text, marker string) int {
	i := strings.Index(text, marker)
	if i < 0 {
		return 0
	}
	return strings.Count(text[:i], "\n") + 1
}

// TestValidateBrokenFixtures breaks the valid fixture one way at a time and
// expects a problem that names the rule and the line of the mistake.
func TestValidateBrokenFixtures(t *testing.T) {
	const flow, contacts, en = "mini/mini.yaml", "mini/contacts.yaml", "mini-locales/en.yaml"
	tests := []struct {
		name     string
		file     string
		old, new string
		marker   string // the expected line holds this text (after the change)
		want     string
	}{
		{"unknown key", flow, "    text: q.source\n", "    text: q.source\n    colour: red\n", "colour: red", `unknown key "colour"`},
		{"unknown key in a choice", flow, "{id: office, text: c.office}", "{id: office, text: c.office, nxt: fee}", "nxt: fee", `unknown key "nxt"`},
		{"wrong kind", flow, "    text: q.source\n", "    text:\n      - q.source\n", "- q.source", "expected a single value"},
		{"YAML syntax error", flow, "    text: q.source\n", "    text: [q.source\n", "", "did not find expected"},
		{"duplicate choice id", flow, "{id: office, text: c.office}", "{id: ad, text: c.office}", "{id: ad, text: c.office}", `duplicate choice id "ad"`},
		{"duplicate step id", flow, "  sos_help:\n", "  fee:\n    text: q.fee\n    choices: []\n  sos_help:\n", "  fee:\n    text: q.fee\n    choices: []", `duplicate id "fee"`},
		{"duplicate flag id", flow, "  fee:\n    weight: 4\n", "  fee:\n    weight: 4\n  fee:\n    weight: 1\n", "", `duplicate id "fee"`},
		{"next points nowhere", flow, "    next: verdict\n", "    next: verdikt\n", "next: verdikt", `next "verdikt" points nowhere`},
		{"choice next points nowhere", flow, "{id: near, text: c.near}", "{id: near, text: c.near, next: moon}", "next: moon", `next "moon" points nowhere`},
		{"unreachable step", flow, "  sos_help:\n", "  orphan:\n    text: q.fee\n    next: verdict\n    choices: [{id: x, text: c.yes}]\n  sos_help:\n", "  orphan:", `step "orphan" cannot be reached`},
		{"loop", flow, "      - {id: no, text: c.no}\n  fee:", "      - {id: no, text: c.no, next: source}\n  fee:", "{id: no, text: c.no, next: source}", `leads back to step "source"`},
		{"loop through the step's next", flow, "  fee:\n    text: q.fee\n    next: verdict\n", "  fee:\n    text: q.fee\n    next: dest\n", "next: dest\n    choices:\n      - {id: yes, text: c.yes, flags: [fee]}", `leads back to step "dest"`},
		{"no path to a verdict", flow, "  fee:\n    text: q.fee\n    next: verdict\n", "  fee:\n    text: q.fee\n    next: fee\n", "  fee:\n    text: q.fee", `step "fee" has no way to a verdict`},
		{"one broken next, one problem", flow, "      - {id: no, text: c.no}\n  fee:", "      - {id: no, text: c.no, next: gone}\n  fee:", "next: gone", `next "gone" points nowhere`},
		{"message missing in a locale", en, "q.source: Where did you find the offer?\n", "", "", `message "q.source" (text of step source) is missing in the "en" locale file`},
		{"message nothing uses", en, "q.route:", "q.unused: Nobody asks this.\nq.route:", "q.unused", "message q.unused is not used"},
		{"variant in one language only", en, "q.route:", "q.route.other: Is their route indirect?\nq.route:", "q.route.other", "missing in the id locale file"},
		{"callback data over 64 bytes", flow, "{id: office, text: c.office}", "{id: " + strings.Repeat("o", 50) + ", text: c.office}", strings.Repeat("o", 50), "the button data would be"},
		{"undefined flag", flow, "flags: [socmed]", "flags: [social]", "flags: [social]", `flag "social" is not defined`},
		{"flag never raised", flow, "  socmed:\n    weight: 2\n", "  unused:\n    weight: 1\n    indicator: deception\n    reason: flag.socmed\n  socmed:\n    weight: 2\n", "  unused:", `flag "unused" is never raised`},
		{"indicator not the ILO's", flow, "    indicator: debt_bondage\n", "    indicator: debt_bandage\n", "indicator: debt_bandage", `indicator "debt_bandage" of flag "fee" is not one of the ILO's eleven`},
		{"indicator without its name", flow, "    indicator: debt_bondage\n", "    indicator: excessive_overtime\n", "indicator: excessive_overtime", `message "ilo.excessive_overtime" (name of ILO indicator excessive_overtime) is missing`},
		{"unknown without action", flow, "unknown: true, action: act.dest}", "unknown: true}", "{id: unknown, text: c.unknown, unknown: true}", "needs an `action`"},
		{"condition on a missing choice", flow, "when: {dest: [far]}", "when: {dest: [mars]}", "when: {dest: [mars]}", `condition names choice "mars"`},
		{"condition without next", flow, "    when: {dest: [far]}\n    next: fee\n", "    when: {dest: [far]}\n", "when: {dest: [far]}", "needs a `next`"},
		{"bands out of order", flow, "{id: high, min: 6", "{id: high, min: 2", "{id: high, min: 2", `band "high" must start above`},
		{"unknown contact", flow, "contacts: [hotline, local]", "contacts: [hotline, nobody]", "contacts: [hotline, nobody]", `contact "nobody" is not in the contact directory`},
		{"disabled contact shown", flow, "contacts: [hotline, local]", "contacts: [hotline, old]", "contacts: [hotline, old]", `contact "old" is disabled`},
		{"link not https", contacts, "link: https://example.org", "link: http://example.org", "link: http://", "must start with https://"},
		{"contact without source", contacts, "    call: [{number: \"+855 12 813 282\"}]\n    source: test fixture\n", "    call: [{number: \"+855 12 813 282\"}]\n", "  embassy:", `contact "embassy" has no source`},
		{"contact without checked date", contacts, "    checked: 2025-07-25\n", "", "  embassy:", `contact "embassy" has no checked date`},
		{"bad date", contacts, "checked: 2025-07-25", "checked: 25 July 2025", "checked: 25 July", "is not YYYY-MM-DD"},
		{"means not yes or no", flow, "{id: self, text: c.self, next: source, perspective: self}", "{id: self, text: c.self, next: source, perspective: self, means: maybe}", "means: maybe", "means must be yes or no"},
		{"two choices mean yes", flow, "perspective: self}\n      - {id: other, text: c.someone, next: source, perspective: other}", "perspective: self, means: \"yes\"}\n      - {id: other, text: c.someone, next: source, perspective: other, means: \"yes\"}", "perspective: other, means:", `both mean "yes"`},
		{"mobile number marked local", contacts, `[{number: "110", local: true}]`, `[{number: "08123456789", local: true}]`, `number: "08123456789"`, "neither international"},
		{"number not E.164", contacts, `{number: "+855 12 813 282"}`, `{number: "012 813 282"}`, `{number: "012 813 282"}`, "neither international"},
		{"unconfirmed but enabled", contacts, "    disabled: newest source is from 2021\n", "", "  old:", `contact "old" is unconfirmed`},
		// Choices offered only when earlier answers match, typed numbers by
		// range, what an answer adds to the verdict, how it is named.
		{"choice condition names a missing step", flow, "unknown: true, action: act.fee}", "unknown: true, action: act.fee, when: {welcom: [other]}}", "when: {welcom: [other]}", `condition names step "welcom", which does not exist`},
		{"choice condition names a missing choice", flow, "unknown: true, action: act.fee}", "unknown: true, action: act.fee, when: {welcome: [others]}}", "when: {welcome: [others]}", `condition names choice "others", which step "welcome" does not have`},
		{"every choice has a condition", flow, "      - {id: yes, text: c.yes}\n      - {id: no, text: c.no}\n  fee:", "      - {id: yes, text: c.yes, when: {source: [ad]}}\n      - {id: no, text: c.no, when: {source: [office]}}\n  fee:", "  route:", `every choice of step "route" has a condition: give at least one none`},
		{"ranges overlap", flow, "{id: ad, text: c.ad, flags: [socmed]}\n      - {id: office, text: c.office}", "{id: ad, text: c.ad, flags: [socmed], range: [0, 18]}\n      - {id: office, text: c.office, range: [18, 120]}", "range: [18, 120]", `the ranges of choices "ad" and "office" overlap`},
		{"range inside another", flow, "{id: ad, text: c.ad, flags: [socmed]}\n      - {id: office, text: c.office}", "{id: ad, text: c.ad, flags: [socmed], range: [0, 120]}\n      - {id: office, text: c.office, range: [18, 20]}", "range: [18, 20]", `the ranges of choices "ad" and "office" overlap`},
		{"range upside down", flow, "{id: office, text: c.office}", "{id: office, text: c.office, range: [20, 10]}", "range: [20, 10]", "range must be [min, max] with 0 <= min <= max"},
		{"range of one number", flow, "{id: office, text: c.office}", "{id: office, text: c.office, range: [18]}", "range: [18]", "range must be [min, max]"},
		{"range below zero", flow, "{id: office, text: c.office}", "{id: office, text: c.office, range: [-1, 5]}", "range: [-1, 5]", "range must be [min, max] with 0 <= min"},
		{"choice advice without its message", flow, "{id: near, text: c.near}", "{id: near, text: c.near, advice: [step.three]}", "advice: [step.three]", `message "step.three" (advice step of choice near of step dest) is missing in the "en" locale file`},
		{"choice name without its message", flow, "{id: near, text: c.near}", "{id: near, text: c.near, name: n.near}", "name: n.near", `message "n.near" (name of choice near of step dest) is missing`},
		{"country names a missing step", flow, "emergency: sos_country\n", "emergency: sos_country\ncountry: dst\n", "country: dst", `country names step "dst", which does not exist`},
		{"band headline without its message", flow, "{id: lower, min: 0, text: band.lower,", "{id: lower, min: 0, text: band.lower, headline: band.lower.headline,", "{id: lower, min: 0", `message "band.lower.headline" (headline of band lower) is missing`},
		{"strong weight below zero", flow, "  figure: figure.one\n", "  figure: figure.one\n  strong_weight: -1\n", "strong_weight: -1", "strong_weight cannot be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fixture(t)
			if !strings.Contains(files[tt.file], tt.old) {
				t.Fatalf("fixture %s has no %q", tt.file, tt.old)
			}
			files[tt.file] = strings.Replace(files[tt.file], tt.old, tt.new, 1)
			ps := check(files)
			wantLine := 0
			wantFile := tt.file
			if tt.marker != "" {
				if wantLine = lineOf(files[tt.file], tt.marker); wantLine == 0 {
					t.Fatalf("marker %q is not in %s", tt.marker, tt.file)
				}
			} else if tt.file == en {
				wantFile = flow // a missing message is reported where the flow names it
				wantLine = lineOf(files[flow], "text: q.source")
			}
			for _, p := range ps {
				if strings.Contains(p.Msg, tt.want) && strings.HasSuffix(wantFile, p.File) && (wantLine == 0 || p.Line == wantLine) {
					return
				}
			}
			t.Errorf("want %q at %s:%d, got:\n%s", tt.want, wantFile, wantLine, list(ps))
		})
	}
}

// TestValidateAdvice breaks the fixture with advice cases (withAdvice) one
// way at a time and expects exactly these problems, each at the line of its
// marker in the flow (every problem is reported in the flow file, missing
// messages too).
func TestValidateAdvice(t *testing.T) {
	type want struct{ marker, msg string }
	legal := func(step, rule, flag string) string {
		return step + " is a step of the legal route, but " + rule + " can be shown with the sign \"" + flag + "\", which rules out a legal route (no_legal_route): add an advice case for \"" + flag + "\" before it"
	}
	// highCase is a case for the high band that names the legal route.
	const highCase = "  - id: high\n    if: {band: [high]}\n    steps:\n      - step.one\n      - step.two\n"
	tests := []struct {
		name  string
		edits []edit
		want  []want
	}{
		{"as written: the critical sign has its case first, the legal steps are for bands it never gives", nil, nil},
		{
			"a legal step in a high-band case that the critical no_legal_route sign reaches",
			[]edit{{fxFlow, "  - id: far_away\n", highCase + "  - id: far_away\n"}},
			[]want{{"      - step.two", legal("step.two", "advice case high", "far")}},
		},
		{
			"the same case after the case for the sign",
			[]edit{{fxFlow, "    contacts: [local]\n", "    contacts: [local]\n" + highCase}},
			nil,
		},
		{
			"no case for the critical sign: the high band's own steps",
			[]edit{{fxFlow, "if: {flags: [far]}", "if: {flags: [fee]}"}},
			[]want{{"{id: high, min: 6", legal("step.two", "band high", "far")}},
		},
		{
			// A sign that is not critical can come with any band: the case
			// for lower bands and the bands' steps are reached too.
			"a lighter no_legal_route sign reaches every legal step",
			[]edit{{fxFlow, "    weight: 4\n    indicator: debt_bondage\n", "    weight: 4\n    no_legal_route: true\n    indicator: debt_bondage\n"}},
			[]want{
				{"    steps: [step.two, step.one]", legal("step.two", "advice case office", "fee")},
				{"{id: medium, min: 3", legal("step.two", "band medium", "fee")},
				{"{id: high, min: 6", legal("step.two", "band high", "fee")},
			},
		},
		{
			"a lighter no_legal_route sign with its case first",
			[]edit{
				{fxFlow, "    weight: 4\n    indicator: debt_bondage\n", "    weight: 4\n    no_legal_route: true\n    indicator: debt_bondage\n"},
				{fxFlow, "  - id: far_away\n", "  - id: fee_paid\n    if: {flags: [fee]}\n    steps: [step.one]\n  - id: far_away\n"},
			},
			nil,
		},
		{
			"a case after an unconditional one is never used",
			[]edit{{fxFlow, "  - id: office\n", "  - id: always\n    steps: [step.one]\n  - id: office\n"}},
			[]want{{"  - id: office", `advice case "office" is never used: case "always" before it has no condition and always matches`}},
		},
		{
			"an unknown band",
			[]edit{{fxFlow, "if: {band: [lower, medium]", "if: {band: [lower, middle]"}},
			[]want{{"if: {band: [lower, middle]", `band "middle" does not exist (bands: lower, medium, high)`}},
		},
		{
			// The misspelt flag also leaves "far" without its case.
			"an unknown flag",
			[]edit{{fxFlow, "if: {flags: [far]}", "if: {flags: [farr]}"}},
			[]want{
				{"if: {flags: [farr]}", `flag "farr" is not defined under`},
				{"{id: high, min: 6", legal("step.two", "band high", "far")},
			},
		},
		{
			"an unknown step in answers",
			[]edit{{fxFlow, "answers: {source: [office]}", "answers: {sauce: [office]}"}},
			[]want{{"answers: {sauce: [office]}", `condition names step "sauce", which does not exist`}},
		},
		{
			"an unknown choice in answers",
			[]edit{{fxFlow, "answers: {source: [office]}", "answers: {source: [shop]}"}},
			[]want{{"answers: {source: [shop]}", `condition names choice "shop", which step "source" does not have`}},
		},
		{
			"a case step without its message",
			[]edit{{fxFlow, "    steps: [step.one]\n    contacts: [local]\n", "    steps: [step.three]\n    contacts: [local]\n"}},
			[]want{
				{"steps: [step.three]", `message "step.three" (step of advice case far_away) is missing in the "en" locale file`},
				{"steps: [step.three]", `message "step.three" (step of advice case far_away) is missing in the "id" locale file`},
			},
		},
		{
			"an unknown contact in a case",
			[]edit{{fxFlow, "contacts: [local]", "contacts: [nobody]"}},
			[]want{{"contacts: [nobody]", `contact "nobody" is not in the contact directory`}},
		},
		{
			"a disabled contact in a case",
			[]edit{{fxFlow, "contacts: [local]", "contacts: [old]"}},
			[]want{{"contacts: [old]", `contact "old" is disabled`}},
		},
		{
			"two cases with one id",
			[]edit{{fxFlow, "  - id: office\n", "  - id: far_away\n"}},
			[]want{{"  - id: far_away\n    if: {band", `duplicate advice case id "far_away" (first at line`}},
		},
		{
			"a case without an id",
			[]edit{{fxFlow, "  - id: office\n    if:", "  - if:"}},
			[]want{{"  - if: {band", "advice case 2 needs an id"}},
		},
		{
			"a case without steps",
			[]edit{{fxFlow, "    steps: [step.two, step.one]\n", ""}},
			[]want{{"  - id: office", `advice case "office" has no steps`}},
		},
		{
			"a choice's advice that is a legal-route step",
			[]edit{{fxFlow, "{id: near, text: c.near}", "{id: near, text: c.near, advice: [step.two]}"}},
			[]want{{"advice: [step.two]", "choice near of step dest adds step.two, a step of the legal route"}},
		},
		{
			"a choice's advice off the legal route is fine",
			[]edit{{fxFlow, "{id: near, text: c.near}", "{id: near, text: c.near, advice: [step.one]}"}},
			nil,
		},
		{
			"an unknown legal-route contact",
			[]edit{{fxFlow, "legal_route: [step.two]\n", "legal_route: [step.two]\nlegal_route_contacts: [nobody]\n"}},
			[]want{{"legal_route_contacts: [nobody]", `contact "nobody" is not in the contact directory`}},
		},
		{
			"a legal-route action item is fine",
			[]edit{{fxFlow, "legal_route: [step.two]\n", "legal_route: [step.two, act.fee]\nlegal_route_contacts: [local]\n"}},
			nil,
		},
		{
			"a legal-route step without its message",
			[]edit{{fxFlow, "legal_route: [step.two]", "legal_route: [step.two, step.nine]"}},
			[]want{
				{"legal_route: [", `message "step.nine" (legal-route step) is missing in the "en" locale file`},
				{"legal_route: [", `message "step.nine" (legal-route step) is missing in the "id" locale file`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fixture(t)
			applyEdits(t, files, withAdvice...)
			applyEdits(t, files, tt.edits...)
			ps := check(files)
			if len(ps) != len(tt.want) {
				t.Errorf("want %d problems, got %d:\n%s", len(tt.want), len(ps), list(ps))
			}
			for _, w := range tt.want {
				line := lineOf(files[fxFlow], w.marker)
				if line == 0 {
					t.Fatalf("marker %q is not in the flow", w.marker)
				}
				found := false
				for _, p := range ps {
					found = found || strings.Contains(p.Msg, w.msg) && strings.HasSuffix(fxFlow, p.File) && p.Line == line
				}
				if !found {
					t.Errorf("want %q at line %d, got:\n%s", w.msg, line, list(ps))
				}
			}
		})
	}
}

func TestValidateReportsEverythingAtOnce(t *testing.T) {
	files := fixture(t)
	files["mini/mini.yaml"] = strings.Replace(files["mini/mini.yaml"], "next: verdict", "next: verdikt", 1)
	files["mini/contacts.yaml"] = strings.Replace(files["mini/contacts.yaml"], "https://example.org", "http://example.org", 1)
	if ps := check(files); len(ps) < 2 {
		t.Errorf("want both problems, got:\n%s", list(ps))
	}
	if ps := check(fixture(t)); len(ps) != 0 {
		t.Errorf("valid fixture has problems:\n%s", list(ps))
	}
}

func list(ps yamlcheck.Problems) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintln(&b, p)
	}
	return b.String()
}

// TestValidateBrokenNext: a `next` that points nowhere is reported once, at
// its line, without the problems it alone causes (steps before it with no
// way out, steps after it that only it would reach); every other problem of
// the flow, a loop elsewhere included, is still reported with it.
func TestValidateBrokenNext(t *testing.T) {
	const flow = "mini/mini.yaml"
	type want struct{ marker, msg string }
	tests := []struct {
		name  string
		edits [][2]string
		want  []want
	}{
		{
			"broken next and an unrelated loop",
			[][2]string{
				{"{id: far, text: c.far, contacts: [embassy]}", "{id: far, text: c.far, contacts: [embassy], next: sos_halp}"},
				{"{id: yes, text: c.yes, flags: [fee]}", "{id: yes, text: c.yes, flags: [fee], next: dest}"},
			},
			[]want{{"next: sos_halp", `next "sos_halp" points nowhere`}, {"flags: [fee], next: dest}", `leads back to step "dest"`}},
		},
		{
			"broken next and a trap elsewhere",
			[][2]string{
				{"{id: far, text: c.far, contacts: [embassy]}", "{id: far, text: c.far, contacts: [embassy], next: sos_halp}"},
				{"  fee:\n    text: q.fee\n    next: verdict\n", "  fee:\n    text: q.fee\n    next: fee\n"},
			},
			[]want{
				{"next: sos_halp", `next "sos_halp" points nowhere`},
				{"next: fee\n    choices:\n      - {id: yes, text: c.yes, flags: [fee]}", `leads back to step "fee"`},
				{"  fee:\n    text", `step "fee" has no way to a verdict`},
				// The trap leaves every step before it without a way out.
				{"  route:", `step "route" has no way to a verdict`},
				{"  dest:", `step "dest" has no way to a verdict`},
				{"  source:", `step "source" has no way to a verdict`},
			},
		},
		{
			"the last next broken: the steps before it are not reported",
			[][2]string{{"    next: verdict\n", "    next: verdikt\n"}},
			[]want{{"next: verdikt", `next "verdikt" points nowhere`}},
		},
		{
			"a misspelt next: the steps after it are not reported unreachable",
			[][2]string{{"    next: route\n", "    next: rout\n"}},
			[]want{{"next: rout", `next "rout" points nowhere`}},
		},
		{
			"a broken next: the steps after it are named once",
			[][2]string{{"    next: route\n", "    next: nowhere\n"}},
			[]want{
				{"next: nowhere", `next "nowhere" points nowhere`},
				{"  route:", `step "route" cannot be reached from the start or the emergency step, so neither can step "fee" after it`},
			},
		},
		{
			"a misspelt start: the steps are not reported unreachable",
			[][2]string{{"start: welcome", "start: welcom"}},
			[]want{{"start: welcom", `start step "welcom" does not exist`}},
		},
		{
			"a broken next does not hide a step nothing reaches",
			[][2]string{
				{"    next: verdict\n", "    next: verdikt\n"},
				{"  sos_help:\n", "  orphan:\n    text: q.fee\n    next: verdict\n    choices: [{id: x, text: c.yes}]\n  sos_help:\n"},
			},
			[]want{{"next: verdikt", `next "verdikt" points nowhere`}, {"  orphan:", `step "orphan" cannot be reached`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fixture(t)
			for _, e := range tt.edits {
				if !strings.Contains(files[flow], e[0]) {
					t.Fatalf("fixture has no %q", e[0])
				}
				files[flow] = strings.Replace(files[flow], e[0], e[1], 1)
			}
			ps := check(files)
			if len(ps) != len(tt.want) {
				t.Errorf("want %d problems, got %d:\n%s", len(tt.want), len(ps), list(ps))
			}
			for _, w := range tt.want {
				line := 0
				if w.marker != "" {
					line = lineOf(files[flow], w.marker)
				}
				found := false
				for _, p := range ps {
					found = found || strings.Contains(p.Msg, w.msg) && strings.HasSuffix(flow, p.File) && (line == 0 || p.Line == line)
				}
				if !found {
					t.Errorf("want %q at line %d, got:\n%s", w.msg, line, list(ps))
				}
			}
		})
	}
}
