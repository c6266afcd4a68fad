package stats

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// miniLayout is a layout like a small flow's: three bands, one end, two
// questions of three choices.
func miniLayout() *Layout {
	return &Layout{Flow: "t", Version: 1, Lang: "en",
		Bands:     []Item{{ID: "lower"}, {ID: "medium"}, {ID: "high"}},
		Ends:      []Item{{ID: "help"}},
		Questions: []Question{{ID: "q1", Choices: []string{"a", "b", "c"}, ChoiceText: []string{"A", "B", "C"}}, {ID: "q2", Choices: []string{"y", "n"}, ChoiceText: []string{"Y", "N"}}}}
}

func counts(t *Totals, l *Layout) map[string]string {
	out := map[string]string{}
	for _, r := range Rows(t, l) {
		out[strings.Trim(r.Metric+":"+r.Step+":"+r.Choice, ":")] = r.Count
	}
	return out
}

// TestSuppressionHoldsAcrossRows: a count under 5 cannot be worked out
// by subtracting shown rows from a shown total.
func TestSuppressionHoldsAcrossRows(t *testing.T) {
	l := miniLayout()
	tests := []struct {
		name string
		tot  Totals
		want map[string]string
	}{
		{"all in one band: the other two are not shown as 0", Totals{Started: 20, Completed: 17, Bands: map[string]int64{"high": 17}},
			map[string]string{"verdict": "17", "band::lower": "<5", "band::medium": "<5", "band::high": "hidden"}},
		{"one small band: the smallest other goes too", Totals{Started: 40, Completed: 30, Bands: map[string]int64{"lower": 2, "medium": 9, "high": 19}},
			map[string]string{"verdict": "30", "band::lower": "<5", "band::medium": "hidden", "band::high": "19"}},
		{"no small count: all shown", Totals{Started: 40, Completed: 30, Bands: map[string]int64{"lower": 6, "medium": 5, "high": 19}},
			map[string]string{"verdict": "30", "band::lower": "6", "band::medium": "5", "band::high": "19"}},
		{"two small bands whose sum is 8: each could be 4 and 4 only", Totals{Started: 40, Completed: 30, Bands: map[string]int64{"lower": 4, "medium": 4, "high": 22}},
			map[string]string{"verdict": "30", "band::lower": "<5", "band::medium": "<5", "band::high": "hidden"}},
		{"two small bands that cannot be told apart", Totals{Started: 40, Completed: 30, Bands: map[string]int64{"lower": 1, "medium": 2, "high": 27}},
			map[string]string{"verdict": "30", "band::lower": "<5", "band::medium": "<5", "band::high": "27"}},
		{"answers: everyone chose one", Totals{Started: 12, Reached: map[string]int64{"q1": 12}, Answers: map[string]map[string]int64{"q1": {"b": 12}}},
			map[string]string{"reached:q1": "12", "answer:q1:a": "<5", "answer:q1:b": "hidden", "answer:q1:c": "<5", "abandoned:q1": "<5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.tot.Campaign = "c"
			got := counts(&tt.tot, l)
			for k, want := range tt.want {
				if got[k] != want {
					t.Errorf("%s = %q, want %q (all: %v)", k, got[k], want, got)
				}
			}
		})
	}
}

// TestNoHiddenCountCanBeWorkedOut: for random campaigns, a reader who
// knows each family's total, its shown parts, and that "<5" is 0 to 4 and
// "hidden" 5 or more, can pin no hidden count (tried by brute force over
// every value the hidden counts could take).
func TestNoHiddenCountCanBeWorkedOut(t *testing.T) {
	l := miniLayout()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		small := func() int64 { return int64(rng.IntN(3) * rng.IntN(12)) }
		tot := &Totals{Campaign: "c", Bands: map[string]int64{"lower": small(), "medium": small(), "high": small()},
			Ends: map[string]int64{"help": small()}, Reached: map[string]int64{}, Answers: map[string]map[string]int64{"q1": {}, "q2": {}}}
		for _, q := range l.Questions {
			var n int64
			for _, c := range q.Choices {
				tot.Answers[q.ID][c] = small()
				n += tot.Answers[q.ID][c]
			}
			tot.Reached[q.ID] = n + small()
		}
		for _, n := range tot.Bands {
			tot.Completed += n
		}
		tot.Completed += tot.Ends["help"]
		tot.Started = tot.Completed + small()
		v, fams := cells(tot, l)
		vis := suppress(v, fams)
		for _, f := range fams {
			if vis[f.total] != shown {
				continue
			}
			sum := v[f.total]
			var hidden []cell
			for _, p := range f.parts {
				if vis[p] == shown {
					sum -= v[p]
				} else {
					hidden = append(hidden, p)
				}
			}
			if c, n, ok := pinned(hidden, sum, vis); ok {
				t.Fatalf("%v: the reader can tell %v = %d (counts %v, shown %v)", f.total, c, n, v, vis)
			}
		}
	}
}

// pinned tries every value of the hidden cells that agrees with
// what a reader knows, and reports a cell that takes one value only.
func pinned(hidden []cell, sum int64, vis map[cell]visibility) (cell, int64, bool) {
	if len(hidden) == 0 {
		return cell{}, 0, false
	}
	seen := make([]map[int64]bool, len(hidden))
	for i := range seen {
		seen[i] = map[int64]bool{}
	}
	vals := make([]int64, len(hidden))
	var try func(i int, left int64)
	try = func(i int, left int64) {
		if i == len(hidden) {
			if left == 0 {
				for j, x := range vals {
					seen[j][x] = true
				}
			}
			return
		}
		lo, hi := int64(0), int64(MinShown-1)
		if vis[hidden[i]] == withheld {
			lo, hi = MinShown, left
		}
		for x := lo; x <= hi && x <= left; x++ {
			vals[i] = x
			try(i+1, left-x)
		}
	}
	try(0, sum)
	for i, s := range seen {
		if len(s) == 1 {
			for x := range s {
				return hidden[i], x, true
			}
		}
	}
	return cell{}, 0, false
}

func TestFilterCheck(t *testing.T) {
	for _, tt := range []struct {
		f  Filter
		ok bool
	}{
		{Filter{}, true}, {Filter{From: "2026-11-01", To: "2026-11-30"}, true}, {Filter{From: "2026-11-01", To: "2026-11-01"}, true},
		{Filter{From: "2026-13-01"}, false}, {Filter{From: "yesterday"}, false}, {Filter{To: "2026-02-30"}, false},
		{Filter{From: "2026-11-30", To: "2026-11-01"}, false}, {Filter{From: "26-11-01"}, false},
	} {
		if err := tt.f.Check(); (err == nil) != tt.ok {
			t.Errorf("%+v: %v", tt.f, err)
		}
	}
}
