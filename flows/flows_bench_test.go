package flows_test

import (
	"os"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
)

// benchFlow is the shipped flow when the shipped content validates, else
// the test flow in testdata/mini. The fallback is deliberate: the shipped
// questions are being written in parallel and may not validate yet, and a
// benchmark of a broken flow would measure nothing. The name says which.
func benchFlow(b *testing.B) (*flows.Flow, string) {
	b.Helper()
	if ct, ps := convo.LoadContent(convo.Embedded); len(ps) == 0 {
		return ct.Flow, "shipped"
	}
	ct, ps := convo.LoadContent(convo.Source{
		Flows: os.DirFS("testdata/mini"), FlowsDir: ".",
		Locales: os.DirFS("testdata/mini-locales"), LocalesDir: ".",
	})
	if len(ps) > 0 {
		b.Fatalf("neither the shipped nor the mini flow validates: %v", ps)
	}
	return ct.Flow, "mini"
}

// firstChoicePath returns the states and inputs of a check that takes the
// first choice offered at every question, from the start to the verdict (or
// end).
func firstChoicePath(f *flows.Flow) ([]flows.State, []flows.Input) {
	var states []flows.State
	var inputs []flows.Input
	st, in := flows.State{}, flows.Input{Kind: flows.Start}
	for range len(f.Steps) + 1 {
		states, inputs = append(states, st), append(inputs, in)
		st, _ = flows.Advance(f, st, in)
		s := f.Steps[st.Step]
		if st.Step == flows.Verdict || s == nil || s.IsEnd() {
			break
		}
		in = flows.Input{Kind: flows.Choose, Step: s.ID, Choice: s.Visible(st)[0].ID}
	}
	return states, inputs
}

// BenchmarkAdvance is one step of the flow, averaged over every step of a
// whole check (the last one computes the verdict).
func BenchmarkAdvance(b *testing.B) {
	f, name := benchFlow(b)
	states, inputs := firstChoicePath(f)
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			j := i % len(states)
			flows.Advance(f, states[j], inputs[j])
		}
		b.ReportMetric(float64(len(states)), "steps/check")
	})
}

// BenchmarkEvaluate scores a finished check: the verdict is never stored,
// so this runs for every rendering of a verdict.
func BenchmarkEvaluate(b *testing.B) {
	f, name := benchFlow(b)
	states, inputs := firstChoicePath(f)
	final, _ := flows.Advance(f, states[len(states)-1], inputs[len(inputs)-1])
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			flows.Evaluate(f, final)
		}
	})
}

// BenchmarkProgress is the "Question 3 · about 9 left" of a question,
// which walks the rest of the flow along its likely path.
func BenchmarkProgress(b *testing.B) {
	f, name := benchFlow(b)
	states, _ := firstChoicePath(f)
	mid := states[len(states)/2] // a question half-way through
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			flows.Progress(f, mid)
		}
	})
}
