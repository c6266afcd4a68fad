package convo_test

import (
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
)

// TestProgressIsHonest walks each persona's answers through the shipped
// flow and checks what "Question N · about M left" says at every question:
// N counts up by one, the last question says it is the last, and M is
// never more than 3 away from the questions really left, and at most 1 once
// the country is known (from the third question on): questions that depend
// on answers not given yet count by their chance.
func TestProgressIsHonest(t *testing.T) {
	ct := testcore.Content(t, convo.Embedded)
	f := ct.Flow
	walked := 0
	for _, pe := range personas {
		if len(pe.script) > 0 || pe.end != "" {
			continue
		}
		walked++
		t.Run(pe.name, func(t *testing.T) {
			st, _ := flows.Advance(f, flows.State{}, flows.Input{Kind: flows.Start})
			type point struct{ n, left int }
			var seen []point
			for range 50 {
				if st.Step == flows.Verdict {
					break
				}
				n, left := flows.Progress(f, st)
				if n > 0 {
					seen = append(seen, point{n, left})
				}
				choice := pe.answers[st.Step]
				if choice == "" || choice[0] == '~' {
					t.Skipf("typed answer at %s", st.Step)
				}
				st, _ = flows.Advance(f, st, flows.Input{Kind: flows.Choose, Step: st.Step, Choice: choice})
			}
			total := len(seen)
			for i, p := range seen {
				really := total - (i + 1)
				if p.n != i+1 {
					t.Errorf("question %d is numbered %d", i+1, p.n)
				}
				d := p.left - really
				if i >= 2 && (d < -1 || d > 1) || d < -3 || d > 3 {
					t.Errorf("question %d of %d says about %d left, %d really are", i+1, total, p.left, really)
				}
			}
			if last := seen[total-1]; last.left != 0 {
				t.Errorf("the last question says %d left", last.left)
			}
		})
	}
	if walked < 20 {
		t.Fatalf("only %d personas walked", walked)
	}
}
