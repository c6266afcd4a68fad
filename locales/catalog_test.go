package locales_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
	"github.com/selfcheck-id/selfcheck/locales"
)

// load reads one English file holding msgs (id: text, one per line).
func load(t *testing.T, msgs string) (*locales.Catalog, yamlcheck.Problems) {
	t.Helper()
	var c *locales.Catalog
	var ps yamlcheck.Problems
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, ps = locales.Load(fstest.MapFS{"l/en.yaml": {Data: []byte(msgs)}}, "l")
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // it takes milliseconds; the range line took 36 s
		t.Fatal("loading still runs after 30s")
	}
	return c, ps
}

// TestTemplatesOnlyFields: a message may show fields and nothing else. What
// used to take the bot to 3 GB, or show users "<no value>" or the raw ID,
// is a problem at the message's line, with its ID.
func TestTemplatesOnlyFields(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{`{{ range 100000000 }}xxxxxxxxxx{{ end }}`, `l/en.yaml:2:15: message ui.forgotten: {{ range 100000000 }} is not allowed: a message may only show fields, like {{.N}}`},
		{`Done {{ .NoSuchKey }}`, `l/en.yaml:2:15: message ui.forgotten: {{.NoSuchKey}} is not a field the bot fills (the fields are {{.Answer}}, {{.Answered}}, {{.Country}}, {{.Kept}}, {{.Left}}, {{.Link}}, {{.List}}, {{.N}}, {{.Read}})`},
		{`{{ template \"x\" }}`, `message ui.forgotten: {{ template "x" }} is not allowed`},
		{`Done {{ .N`, `message ui.forgotten: "{{ .N" has no closing }}`},
		{`{{if .Kept}}a{{end}}`, `message ui.forgotten: {{if .Kept}} is not allowed`},
		{`{{- .Kept -}}`, `message ui.forgotten: {{- .Kept -}} is not a field`},
		{`{{ len .Kept }}`, `message ui.forgotten: {{ len .Kept }} is not a field`},
		{`{{ printf \"%099999999d\" 1 }}`, `message ui.forgotten: {{ printf "%099999999d" 1 }} is not a field`},
		{`{{ .Kept | printf \"%s\" }}`, `is not a field`},
		{`{{/* note */}}`, `is not a field`},
		{`{{$x := 1}}`, `is not a field`},
		{`{{.Kept.X}}`, `is not a field`},
		{`{{}}`, `{{}} is not a field`},
		{`Answers kept {{.N}}`, `l/en.yaml:2:15: message ui.forgotten shows {{.N}}, which the bot does not give it (it gives {{.Kept}} and {{.Country}})`},
	} {
		_, ps := load(t, "q.a: \"Fine {{.Kept}}\"\nui.forgotten: \""+c.text+"\"\n")
		if len(ps) != 1 || !strings.Contains(ps[0].String(), c.want) {
			t.Errorf("%s:\n got %v\nwant %s", c.text, ps, c.want)
		}
	}
	// A code message gets only the values the program gives it.
	_, ps := load(t, "ui.progress: \"Question {{.N}} of {{.Kept}}\"\nui.progress.other: \"Q {{ .Left }}\"\n")
	if len(ps) != 1 || !strings.Contains(ps[0].String(), "l/en.yaml:1:14: message ui.progress shows {{.Kept}}, which the bot does not give it (it gives {{.N}} and {{.Left}})") {
		t.Errorf("ui.progress: %v", ps)
	}
}

func TestText(t *testing.T) {
	cat, ps := load(t, `q.a: "Kept {{.Kept}}, in {{ .Country }}."
q.a.other: "Theirs: {{.Country}}"
ui.progress: "Question {{.N}}, about {{.Left}} left"
plain: "}} and { are text"
`)
	if ps != nil {
		t.Fatal(ps)
	}
	for _, c := range []struct {
		id    string
		other bool
		data  map[string]any
		want  string
	}{
		{"q.a", false, map[string]any{"Kept": "3 days", "Country": "Laos"}, "Kept 3 days, in Laos."},
		{"q.a", false, map[string]any{"Kept": "3 days"}, "Kept 3 days, in ."}, // no country yet: never "<no value>"
		{"q.a", true, map[string]any{"Country": "Laos"}, "Theirs: Laos"},
		{"ui.progress", true, map[string]any{"N": 3, "Left": 12}, "Question 3, about 12 left"},
		{"plain", false, nil, "}} and { are text"},
		{"nothing", false, nil, "nothing"},
	} {
		if got := cat.Text("en", c.id, c.other, c.data); got != c.want {
			t.Errorf("%s: %q, want %q", c.id, got, c.want)
		}
	}
	if got := cat.Text("id", "q.a", false, nil); got != "q.a" {
		t.Errorf("a language with no file: %q", got)
	}
}

// TestShippedMessagesRender: every shipped message, in every language,
// renders with the values the bot gives it, and shows each of them.
func TestShippedMessagesRender(t *testing.T) {
	c, ps := locales.Load(locales.Files, ".")
	if ps != nil {
		t.Fatal(ps)
	}
	for _, lang := range c.Languages() {
		for _, id := range c.Keys(lang) {
			got := c.Text(lang, id, false, locales.Samples(id))
			if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") || got == id {
				t.Errorf("%s %s renders as %q", lang, id, got)
			}
		}
	}
	if got := c.Text("en", locales.Progress, false, map[string]any{"N": 3, "Left": 12}); !strings.Contains(got, "3") || !strings.Contains(got, "12") {
		t.Errorf("progress: %q", got)
	}
}

func TestLoadRefusesLargeFile(t *testing.T) {
	_, ps := load(t, "a: \""+strings.Repeat("x", 2<<20)+"\"\n")
	if len(ps) != 1 || !strings.Contains(ps[0].String(), "l/en.yaml: the file is 2097158 bytes; a content file may be at most 1048576 bytes") {
		t.Errorf("got %v", ps)
	}
}

// FuzzLoad: whatever a message file holds, Load answers with problems or
// with messages that render, with the sample values, to their text and
// those values: never more, never a template left over.
func FuzzLoad(f *testing.F) {
	en, err := locales.Files.ReadFile("en.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(en)
	for _, s := range []string{
		"ui.forgotten: \"{{ range 100000000 }}xxxxxxxxxx{{ end }}\"",
		"q.a: \"{{.Kept}}{{.Country}}{{ .Kept }}\"\nq.a.other: \"{{.Country}}\"",
		"ui.progress: \"{{.N}} {{.Left}} {{ .Answer }}\"",
		"q.a: \"{{ .NoSuchKey }}\"", "q.a: \"{{ template \\\"x\\\" }}\"", "q.a: \"{{ .N\"", "q.a: \"}}{{\"",
		"q.a: &a \"{{.Kept}}\"\nq.b: *a", "q.a: \"{{.Kept}}\"\nq.a: \"x\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ps := locales.Load(fstest.MapFS{"l/en.yaml": {Data: data}}, "l")
		for _, p := range ps {
			if p.File == "" || p.Msg == "" {
				t.Fatalf("a problem without a file or a message: %#v", p)
			}
		}
		if ps != nil {
			return
		}
		for _, id := range c.Keys("en") {
			for _, other := range []bool{false, true} {
				samples := locales.Samples(id)
				got := c.Text("en", id, other, samples)
				if strings.Contains(got, "{{") {
					t.Fatalf("%s renders a template: %q", id, got)
				}
				if limit := len(data) * 16; len(got) > limit {
					t.Fatalf("%s renders to %d bytes from a file of %d", id, len(got), len(data))
				}
			}
		}
	})
}

// TestLanguages: the languages are the shipped files, Default first; a
// user's code matches by its first part; the language button goes round.
func TestLanguages(t *testing.T) {
	if got := strings.Join(locales.Languages(), ","); got != "id,en" {
		t.Errorf("Languages() = %s, want id,en (the files in locales/)", got)
	}
	for tag, want := range map[string]string{"id": "id", "id-ID": "id", "in": "id", "ID": "id", "en": "en", "en-US": "en", "pt-br": "en", "": "en", "idx": "en"} {
		if got := locales.Match(tag); got != want {
			t.Errorf("Match(%q) = %q, want %q", tag, got, want)
		}
	}
	for from, want := range map[string]string{"id": "en", "en": "id", "xx": "id"} {
		if got := locales.Next(from); got != want {
			t.Errorf("Next(%q) = %q, want %q", from, got, want)
		}
	}
	if locales.Supported("fr") || !locales.Supported("en") {
		t.Error("Supported is not the shipped files")
	}
}

// TestDurationWordsComeFromTheFiles: the words for how long answers are
// kept are the message files', not the program's.
func TestDurationWordsComeFromTheFiles(t *testing.T) {
	c, ps := locales.Load(fstest.MapFS{"l/en.yaml": {Data: []byte(
		"time.day: '{{.N}} sol'\ntime.days: '{{.N}} sols'\ntime.hour: '{{.N}} tick'\ntime.hours: '{{.N}} ticks'\n")}}, "l")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	for d, want := range map[time.Duration]string{24 * time.Hour: "1 sol", 72 * time.Hour: "3 sols", 30 * time.Minute: "1 tick", 90 * time.Minute: "2 ticks", 36 * time.Hour: "36 ticks"} {
		if got := c.Duration("en", d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
