package convo

import (
	"os"
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
)

// benchContent is the shipped content when it validates, else the test
// flow in flows/testdata/mini. The fallback is deliberate: the shipped
// questions are written in parallel and may not validate yet. The returned
// name ("shipped" or "mini") names the sub-benchmarks, so results say which.
func benchContent(b *testing.B) (*Content, string) {
	b.Helper()
	if ct, ps := LoadContent(Embedded); len(ps) == 0 {
		return ct, "shipped"
	}
	ct, ps := LoadContent(Source{
		Flows: os.DirFS("../flows/testdata/mini"), FlowsDir: ".",
		Locales: os.DirFS("../flows/testdata/mini-locales"), LocalesDir: ".",
	})
	if len(ps) > 0 {
		b.Fatalf("neither the shipped nor the mini content validates: %v", ps)
	}
	return ct, "mini"
}

// BenchmarkRender renders what a user sees, without storage: a question
// with its progress and buttons, the answered question the pressed message
// becomes, and the verdict at its longest (two messages).
func BenchmarkRender(b *testing.B) {
	ct, name := benchContent(b)
	f := ct.Flow
	r := renderer{c: ct, lang: "id", nonce: "abcd1234", shareLink: "https://t.me/selfcheck_bot"}
	st, _ := flows.Advance(f, flows.State{}, flows.Input{Kind: flows.Start})
	s := f.Steps[st.Step]
	st, _ = flows.Advance(f, st, flows.Input{Kind: flows.Choose, Step: s.ID, Choice: s.Choices[0].ID})
	q := f.Steps[st.Step] // the first counted question
	worst := worstResult(renderer{c: ct, lang: "id"})
	worst.Band = &f.Bands[len(f.Bands)-1]
	b.Run(name+"/question", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n, total := flows.Progress(f, st)
			r.question(q, q.Visible(st), n, total, len(st.Answers))
		}
	})
	b.Run(name+"/answered", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.answered(q, q.Choices[0].ID)
		}
	})
	b.Run(name+"/verdict", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.verdict(worst)
		}
	})
}
