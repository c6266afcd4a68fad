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
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	set, ps := flows.Load(fsys, "mini")
	msgs, mps := locales.Load(fsys, "mini-locales")
	ps = append(ps, mps...)
	if len(ps) > 0 {
		return ps
	}
	return flows.Validate(set, msgs, locales.CodeIDs)
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
