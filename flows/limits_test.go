package flows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/flows"
)

// TestValidateLimits: a flow beyond the bounds of flows/limits.go gets one
// problem per bound, at the line that starts what is too big, and nothing
// else (the other checks would bury it).
func TestValidateLimits(t *testing.T) {
	files := fixture(t)
	var bands, flags strings.Builder
	for i := range flows.MaxBands {
		fmt.Fprintf(&bands, "  - {id: x%d, min: %d, text: band.high}\n", i, 100+i)
	}
	for i := range flows.MaxFlags + 1 {
		fmt.Fprintf(&flags, "  x%d: {weight: 1, indicator: deception, reason: flag.fee}\n", i)
	}
	sources := strings.Repeat("socmed, ", flows.MaxList) + "socmed"
	applyEdits(t, files,
		edit{fxFlow, "result:\n", bands.String() + "result:\n"},
		edit{fxFlow, "flags:\n", "flags:\n" + flags.String()},
		edit{fxFlow, "{id: ad, text: c.ad, flags: [socmed]}", "{id: ad, text: c.ad, flags: [" + sources + "]}"},
	)
	ps := check(files)
	want := []string{
		fmt.Sprintf("mini/mini.yaml:7:1: the flow has %d flags; a flow may have at most %d", flows.MaxFlags+4, flows.MaxFlags),
		fmt.Sprintf("mini/mini.yaml:%d:1: the flow has %d bands; a flow may have at most %d", lineOf(files[fxFlow], "bands:"), flows.MaxBands+3, flows.MaxBands),
		fmt.Sprintf("mini/mini.yaml:%d:37: this list has %d items; a list in a flow may have at most %d", lineOf(files[fxFlow], "{id: ad,"), flows.MaxList+1, flows.MaxList),
	}
	if got := strings.TrimSpace(list(ps)); got != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// TestValidateManyMisspeltSteps: every "did you mean" compares the misspelt
// id with every step; it is worked out once per id, so a flow of 90 steps
// whose 40 answers each lead to a misspelt next checks at once. The check
// used to work it out again for every broken next each time it reached a
// step.
func TestValidateManyMisspeltSteps(t *testing.T) {
	files := fixture(t)
	var steps strings.Builder
	// Ids near the longest that get a guess: comparing two takes time
	// that grows with the product of their lengths.
	id := func(i int) string { return fmt.Sprintf("step_%s_%02d", strings.Repeat("x", 55), i) }
	for i := range flows.MaxSteps - 10 {
		fmt.Fprintf(&steps, "  %s:\n    text: q.source\n    choices:\n", id(i))
		for j := range flows.MaxList - 10 {
			fmt.Fprintf(&steps, "      - {id: a%d, text: c.yes, next: %sx}\n", j, id(i+1))
		}
	}
	applyEdits(t, files, edit{fxFlow, "steps:\n", "steps:\n" + steps.String()}, edit{fxFlow, "start: welcome", "start: " + id(0)})
	var ps []string
	start := time.Now()
	for _, p := range check(files) {
		ps = append(ps, p.Msg)
	}
	// Logged, not asserted: a timed test fails on a busy machine. It took
	// 3.3 s when each guess was worked out again, 0.13 s now.
	t.Logf("checked in %v", time.Since(start))
	if want := fmt.Sprintf("next %q points nowhere: no step has that id (did you mean %q?)", id(5)+"x", id(5)); !strings.Contains(strings.Join(ps, "\n"), want) {
		t.Errorf("no %q in:\n%s", want, strings.Join(ps, "\n"))
	}
}
