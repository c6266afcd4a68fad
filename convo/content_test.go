package convo_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
)

// TestLoadContentNeverPanics: whatever goes wrong while content is loaded
// is a problem, so a reload refuses it and the bot keeps serving; a panic
// there (an alias in a flow once caused one) ended the bot. A source with
// no file system stands in for a mistake no check foresaw.
func TestLoadContentNeverPanics(t *testing.T) {
	c, ps := convo.LoadContent(convo.Source{FlowsDir: "flows"})
	if c != nil || len(ps) != 1 || !strings.Contains(ps[0].String(), "flows: the content could not be checked (a bug in selfcheck: please report it)") {
		t.Errorf("got %v, %v", c, ps)
	}
}

// TestLocaleFilesMustBeTheBotsLanguages: message files for a language the
// bot does not serve, or missing one it serves, are refused, never loaded
// and half served.
func TestLocaleFilesMustBeTheBotsLanguages(t *testing.T) {
	shipped := fstest.MapFS{}
	for _, lang := range locales.Languages() {
		data, err := locales.Files.ReadFile(lang + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		shipped["l/"+lang+".yaml"] = &fstest.MapFile{Data: data}
	}
	src := convo.Source{Flows: flows.Files, FlowsDir: ".", Locales: shipped, LocalesDir: "l"}
	if _, ps := convo.LoadContent(src); len(ps) > 0 {
		t.Fatalf("the shipped files as LOCALES_DIR: %v", ps)
	}
	third := maps.Clone(shipped)
	third["l/fr.yaml"] = shipped["l/en.yaml"]
	missing := maps.Clone(shipped)
	delete(missing, "l/en.yaml")
	for name, tc := range map[string]struct {
		files fstest.MapFS
		want  string
	}{
		"a third language": {third, "fr.yaml would never be served"},
		"one missing":      {missing, "locales/en.yaml: missing"},
	} {
		src.Locales = tc.files
		c, ps := convo.LoadContent(src)
		if c != nil || !strings.Contains(fmt.Sprint(ps), tc.want) {
			t.Errorf("%s: content %v, problems %v; want refused with %q", name, c != nil, ps, tc.want)
		}
	}
}
