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

// TestValidateLengths: a message too long for Telegram is reported at its
// line in the locale file, a question over 400 characters (in any language,
// its ".other" variant too) at its step's line in the flow, and both are
// reported together with the other problems of the content.
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
			// Each action item is short enough on its own; the verdict that
			// lists them all is not. Every band, language and perspective.
			"a verdict that renders over 4096 characters",
			func(t *testing.T, files map[string]string) {
				for _, a := range []string{"act.source", "act.dest", "act.fee"} {
					setMessage(t, files, en, a, long(1400))
				}
			},
			[]want{{flow, "{id: lower, min: 0", `verdict message 2 for band lower renders to`}},
			5,
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
	if flows.MaxMessage != convo.MaxMessage {
		t.Errorf("flows.MaxMessage %d, convo.MaxMessage %d: one limit, two values", flows.MaxMessage, convo.MaxMessage)
	}
}
