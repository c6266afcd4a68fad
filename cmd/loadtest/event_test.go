package main

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/locales"
)

// TestPeakPerSecond checks the sliding one-second window over message
// arrivals: the figure the "never more than 30 in a second" target reads.
func TestPeakPerSecond(t *testing.T) {
	at := func(ms ...int) []time.Time {
		base := time.Unix(1_800_000_000, 0)
		var ts []time.Time
		for _, m := range ms {
			ts = append(ts, base.Add(time.Duration(m)*time.Millisecond))
		}
		return ts
	}
	for _, tc := range []struct {
		name  string
		sends []time.Time
		want  int
	}{
		{"none", nil, 0},
		{"one", at(5), 1},
		{"a second apart", at(0, 1000, 2000), 1},
		{"just inside one second", at(0, 999), 2},
		{"window slides, unsorted", at(1500, 0, 900, 1000, 1800, 2400), 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &watch{sends: tc.sends}
			if got := w.peakPerSecond(); got != tc.want {
				t.Fatalf("peak = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestBusyNotice checks that the crowd tells the busy notice, in both
// languages and with any number, from other toasts (a stale button).
func TestBusyNotice(t *testing.T) {
	ct, _, err := loadContent()
	if err != nil {
		t.Skip("content:", err)
	}
	c := newCrowd(options{}, ct, "test")
	for _, lang := range []string{"id", "en"} {
		for _, n := range []int{4, 12, 120} {
			if text := ct.Msgs.Text(lang, locales.Busy, false, map[string]any{"N": n}); !c.isBusy(text) {
				t.Errorf("%s %d: %q not taken for the busy notice", lang, n, text)
			}
		}
		if text := ct.Msgs.Text(lang, locales.Stale, false, nil); c.isBusy(text) || text == "" {
			t.Errorf("%s: stale toast %q taken for the busy notice", lang, text)
		}
	}
}

// TestRoundRatios: each round's ratio pairs the round's two phases, and
// the median does not reorder what is printed.
func TestRoundRatios(t *testing.T) {
	r := roundRatios([]float64{2000, 1000, 2000, 0}, []float64{1800, 1000, 1900, 5, 7})
	if want := []float64{0.9, 1, 0.95}; !slices.Equal(r, want) {
		t.Fatalf("ratios %v, want %v", r, want)
	}
	if m := median(r); m != 0.95 {
		t.Errorf("median %v, want 0.95", m)
	}
	if m := median([]float64{0.8, 0.9, 1, 0.85}); math.Abs(m-0.875) > 1e-9 {
		t.Errorf("median of four %v, want 0.875", m)
	}
	if r[0] != 0.9 {
		t.Errorf("median reordered the ratios: %v", r)
	}
}
