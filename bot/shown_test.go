package bot

import (
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
)

// TestShownMarkTellsScreensApart: the mark of a screen changes with
// anything the edit would change (message, text, trail, any button), and
// only then.
func TestShownMarkTellsScreensApart(t *testing.T) {
	base := func() convo.Reply {
		return convo.Reply{Head: "Pertanyaan 3", Body: "Negara tujuan?",
			Buttons: [][]convo.Button{{{Label: "Kamboja", Data: "a:n1:dest:kh"}}, {{Label: "Kembali", Data: "b:n1:dest"}}}}
	}
	mark := shownMark(7, base(), "✓ Ya")
	if again := shownMark(7, base(), "✓ Ya"); again != mark {
		t.Fatal("the same screen gives two marks")
	}
	changes := map[string]func(*convo.Reply, *int, *string){
		"message id":     func(_ *convo.Reply, id *int, _ *string) { *id = 7 + 256 },
		"trail":          func(_ *convo.Reply, _ *int, tr *string) { *tr = "✓ Tidak" },
		"head":           func(r *convo.Reply, _ *int, _ *string) { r.Head = "Pertanyaan 4" },
		"body":           func(r *convo.Reply, _ *int, _ *string) { r.Body = "Negara tujuan??" },
		"head into body": func(r *convo.Reply, _ *int, _ *string) { r.Head, r.Body = "", "Pertanyaan 3Negara tujuan?" },
		"button label":   func(r *convo.Reply, _ *int, _ *string) { r.Buttons[0][0].Label = "Myanmar" },
		"button data":    func(r *convo.Reply, _ *int, _ *string) { r.Buttons[0][0].Data = "a:n2:dest:kh" },
		"buttons in rows": func(r *convo.Reply, _ *int, _ *string) {
			r.Buttons = [][]convo.Button{{r.Buttons[0][0], r.Buttons[1][0]}}
		},
		"no buttons": func(r *convo.Reply, _ *int, _ *string) { r.Buttons = nil },
	}
	for name, change := range changes {
		r, id, trail := base(), 7, "✓ Ya"
		change(&r, &id, &trail)
		if shownMark(id, r, trail) == mark {
			t.Errorf("%s changed, the mark did not", name)
		}
	}
}
