package flows_test

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
)

// FuzzLoad feeds arbitrary bytes to the loader and validator as a flow file
// (beside the valid mini contacts and messages): whatever NGO staff type, the
// loader must answer with problems, never panic. Then it steps the flow when
// it loaded, since a flow that validates must also run.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"testdata/mini/mini.yaml", "testdata/mini/contacts.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("id: x\nsteps: {a: {choices: [{id: b, next: a}]}}"))
	f.Add([]byte("steps:\n  a: &x\n    next: *x\n"))
	f.Add([]byte("- 1\n- [2\n"))
	contacts, _ := os.ReadFile("testdata/mini/contacts.yaml")
	msgs, ps := locales.Load(os.DirFS("testdata/mini-locales"), ".")
	if len(ps) > 0 {
		f.Fatal(ps)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"f/flow.yaml":     {Data: data},
			"f/contacts.yaml": {Data: contacts},
		}
		set, ps := flows.Load(fsys, "f")
		if len(ps) > 0 {
			return
		}
		if ps := flows.Validate(set, msgs, locales.CodeIDs); len(ps) > 0 {
			return
		}
		for _, fl := range set.Flows {
			st, _ := flows.Advance(fl, flows.State{}, flows.Input{Kind: flows.Start})
			for range 50 {
				s := fl.Steps[st.Step]
				if s == nil || s.IsEnd() {
					break
				}
				// The first answer offered: the first may have a when.
				offered := s.Visible(st)
				if len(offered) == 0 {
					t.Fatalf("step %q offers no answer, yet the flow validated", s.ID)
				}
				st, _ = flows.Advance(fl, st, flows.Input{Kind: flows.Choose, Step: s.ID, Choice: offered[0].ID})
			}
			_, _ = flows.Diagram(fl, "mermaid")
		}
	})
}
