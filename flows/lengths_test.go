package flows_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
)

// loadContent loads fixture files the way the bot does (convo.LoadContent:
// shape, cross-checks, then the rendered lengths).
func loadContent(files map[string]string) yamlcheck.Problems {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	_, ps := convo.LoadContent(convo.Source{Flows: fsys, FlowsDir: "mini", Locales: fsys, LocalesDir: "mini-locales"})
	return ps
}

// setMessage replaces the text of message id in a locale file.
func setMessage(t *testing.T, files map[string]string, file, id, text string) {
	t.Helper()
	lines := strings.Split(files[file], "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, id+":") {
			lines[i] = id + ": " + `"` + text + `"`
			files[file] = strings.Join(lines, "\n")
			return
		}
	}
	t.Fatalf("%s has no message %s", file, id)
}

// judgementWithout is the first part of the longest verdict of the mini
// flow with advice (withAdvice) in English for band medium, less its
// headline: the label, then every sign the worst answers raise (the strong
// ones, the lighter apart) and their ILO indicators. band.lower is one
// character shorter, band.high as long.
var judgementWithout = flows.TextLen("Medium risk.\n" +
	"\n\nWhy:\n• No placement there.\n• Fees are forbidden." +
	"\n\nLess strong (1):\n• Ads are a sign." +
	"\n\nILO: deception, debt bondage.")

// TestValidateLengths: a message too long for Telegram is reported at its
// line in the locale file, a question over 400 characters (in any language,
// its ".other" variant too) at its step's line in the flow, a part of the
// longest verdict over 4096 at the line of its advice case (or its band's,
// when no case applies), and all are reported together with the other
// problems of the content.
func TestValidateLengths(t *testing.T) {
	const flow, en, id = "mini/mini.yaml", "mini-locales/en.yaml", "mini-locales/id.yaml"
	type want struct {
		file, marker, msg string
	}
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name  string
		edit  func(t *testing.T, files map[string]string)
		want  []want
		other int // problems besides those wanted
	}{
		{
			"a message over 4096 characters",
			func(t *testing.T, files map[string]string) { setMessage(t, files, en, "step.one", long(4097)) },
			[]want{{en, "step.one:", "message step.one is 4097 characters long; Telegram allows 4096"}},
			0,
		},
		{
			"a message over 4096 as Telegram counts (emoji are two)",
			func(t *testing.T, files map[string]string) {
				setMessage(t, files, id, "step.two", strings.Repeat("🙂", 2049))
			},
			[]want{{id, "step.two:", "message step.two is 4098 characters long"}},
			0,
		},
		{
			"a message over 4096 beside another problem",
			func(t *testing.T, files map[string]string) {
				setMessage(t, files, en, "step.one", long(5000))
				files[flow] = strings.Replace(files[flow], "contacts: [hotline, local]", "contacts: [hotline, nobody]", 1)
			},
			[]want{
				{en, "step.one:", "message step.one is 5000 characters long"},
				{flow, "contacts: [hotline, nobody]", `contact "nobody" is not in the contact directory`},
			},
			0,
		},
		{
			"a question over 400 characters",
			func(t *testing.T, files map[string]string) { setMessage(t, files, en, "q.source", long(401)) },
			[]want{{flow, "  source:", `the question of step "source" (message q.source in the "en" locale file) is 401 characters long; keep a question to 400`}},
			0,
		},
		{
			"a question over 400 characters for someone else",
			func(t *testing.T, files map[string]string) { setMessage(t, files, id, "q.fee.other", long(450)) },
			[]want{{flow, "  fee:\n    text", `message q.fee.other in the "id" locale file) is 450 characters long`}},
			0,
		},
		{
			"a question of 400 characters is fine",
			func(t *testing.T, files map[string]string) {
				setMessage(t, files, en, "q.source", long(400))
				setMessage(t, files, id, "q.source.other", long(400))
			},
			nil,
			0,
		},
		{
			"an end message may be longer than a question",
			func(t *testing.T, files map[string]string) { setMessage(t, files, en, "end.sos", long(1000)) },
			nil,
			0,
		},
		{
			// Each action item is short enough on its own; the verdict's
			// last part (find out first, contacts), which lists them all,
			// is not. Reported for every band at its line (no advice
			// case), in English only, for both perspectives.
			"a verdict that renders over 4096 characters",
			func(t *testing.T, files map[string]string) {
				for _, a := range []string{"act.source", "act.dest", "act.fee"} {
					setMessage(t, files, en, a, long(1400))
				}
			},
			[]want{
				{flow, "{id: lower, min: 0", `verdict part 3 for band lower with advice of the band renders to 4391 characters in "en"`},
				{flow, "{id: medium, min: 3", `verdict part 3 for band medium with advice of the band renders to 4391 characters in "en"`},
				{flow, "{id: high, min: 6", `verdict part 3 for band high with advice of the band renders to 4391 characters in "en"`},
			},
			3, // the same for someone else's offer
		},
		{
			// 4096 in all for bands medium and high (4095 for lower): the
			// label, the case's headline and the worst signs.
			"an advice case's verdict exactly at the limit fits",
			func(t *testing.T, files map[string]string) {
				applyEdits(t, files, withAdvice...)
				setMessage(t, files, en, "band.high.other", "Higher risk!") // as long as band.high
				setMessage(t, files, en, "advice.far", long(4096-judgementWithout))
			},
			nil,
			0,
		},
		{
			// One more character in the case's headline: its first part
			// (label, headline, every sign) is over, for each band the case
			// can come with (it names none) whose label is long enough; the
			// bands' own advice, without the headline, fits.
			"an advice case's verdict over 4096 is reported at the case",
			func(t *testing.T, files map[string]string) {
				applyEdits(t, files, withAdvice...)
				setMessage(t, files, en, "band.high.other", "Higher risk!") // as long as band.high
				setMessage(t, files, en, "advice.far", long(4097-judgementWithout))
			},
			[]want{
				{flow, "  - id: far_away", `verdict part 1 for band medium with advice far_away renders to 4097 characters in "en"`},
				{flow, "  - id: far_away", `verdict part 1 for band high with advice far_away renders to 4097 characters in "en"`},
			},
			2, // the same for someone else's offer
		},
		{
			// A case for the lower bands is rendered with those only: band
			// high, with as long a label as medium, is not reported.
			"an advice case's verdict over 4096, for its bands only",
			func(t *testing.T, files map[string]string) {
				applyEdits(t, files, withAdvice...)
				setMessage(t, files, en, "band.high.other", "Higher risk!") // as long as band.high
				applyEdits(t, files, edit{flow, "    headline: advice.far\n", ""},
					edit{flow, "  - id: office\n", "  - id: office\n    headline: advice.far\n"})
				setMessage(t, files, en, "advice.far", long(4097-judgementWithout))
			},
			[]want{{flow, "  - id: office", `verdict part 1 for band medium with advice office renders to 4097 characters in "en"`}},
			1, // the same for someone else's offer
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fixture(t)
			tt.edit(t, files)
			ps := loadContent(files)
			if len(ps) != len(tt.want)+tt.other {
				t.Errorf("want %d problems, got %d:\n%s", len(tt.want)+tt.other, len(ps), list(ps))
			}
			for _, w := range tt.want {
				line := lineOf(files[w.file], w.marker)
				if line == 0 {
					t.Fatalf("%s has no %q", w.file, w.marker)
				}
				found := false
				for _, p := range ps {
					found = found || strings.Contains(p.Msg, w.msg) && strings.HasSuffix(w.file, p.File) && p.Line == line
				}
				if !found {
					t.Errorf("want %q at %s:%d, got:\n%s", w.msg, w.file, line, list(ps))
				}
			}
		})
	}
}

// TestValidateLengthsEachPartApart: the verdict's parts are measured one by
// one, so the longest verdict must be the longest for each part: here the
// answer "far" has the longest sign (part 1) and "near" the longest added
// step (part 2). A check that answers "ad", "far" and fee "yes" gets a
// first part of 4191 characters, and validation must say so.
// (convo's worstResult once took from each question the one answer whose
// signs and added steps were longest together, "near" here, and let such a
// verdict through.)
func TestValidateLengthsEachPartApart(t *testing.T) {
	files := fixture(t)
	applyEdits(t, files,
		edit{fxFlow, "{id: near, text: c.near}", "{id: near, text: c.near, advice: [step.three]}"},
		edit{fxEN, "act.dest:", "step.three: " + strings.Repeat("s", 2200) + "\nact.dest:"},
		edit{fxID, "act.dest:", "step.three: ID Three.\nact.dest:"},
	)
	setMessage(t, files, fxEN, "flag.far", strings.Repeat("f", 2100))
	setMessage(t, files, fxEN, "flag.fee", strings.Repeat("e", 2000))
	ps := loadContent(files)
	line := lineOf(files[fxFlow], "{id: high, min: 6")
	for _, p := range ps {
		if strings.Contains(p.Msg, `verdict part 1 for band high with advice of the band renders to`) && p.Line == line {
			return
		}
	}
	t.Errorf("want verdict part 1 for band high over 4096 at line %d, got:\n%s", line, list(ps))
}
