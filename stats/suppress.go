package stats

import "slices"

// Small counts are hidden (<5), and so is whatever would let a reader
// work one out. A report shows totals beside their parts: the checks that
// reached a verdict beside each band, the people who saw a question beside
// each answer and those who left there. Subtracting the shown parts from
// the total gives the sum of the hidden ones; when that pins a hidden
// count ("Reached a verdict 17" beside "Higher risk 17" says the other
// two bands are 0), more is hidden: the smallest shown part of the family,
// then the next, and at last the total, until no hidden count can be
// told from the total, the shown counts and what the reader knows of the
// hidden ones (a "<5" is 0 to 4, a "hidden" count 5 or more).

// cell names one count of a report: a metric with its step and choice.
type cell struct{ metric, step, choice string }

// visibility of a cell.
type visibility int

const (
	shown    visibility = iota
	small               // under MinShown: reads "<5"
	withheld            // 5 or more, hidden to protect a small one: reads "hidden"
)

// family is a total and the parts a reader can add up to it.
type family struct {
	total cell
	parts []cell
	// totalFirst hides the total, rather than shown parts, when more must
	// go: checks completed (verdicts and help screens) beside the
	// verdicts would tell how many saw a help screen.
	totalFirst bool
}

// Metric names (the codes of a report's rows).
const (
	MetricStarted   = "started"
	MetricCompleted = "completed"
	MetricVerdict   = "verdict" // checks that reached a verdict: the bands' sum
	MetricBand      = "band"
	MetricEnd       = "end"
	MetricReached   = "reached"
	MetricAbandoned = "abandoned"
	MetricAnswer    = "answer"
)

// cells are every count of t the rows of l show, and the families they
// form.
func cells(t *Totals, l *Layout) (map[cell]int64, []family) {
	v := map[cell]int64{
		{MetricStarted, "", ""}:   t.Started,
		{MetricCompleted, "", ""}: t.Completed,
		{MetricNotInFlow, "", ""}: notInFlow(t, l),
	}
	verdict := family{total: cell{MetricVerdict, "", ""}}
	for _, b := range l.Bands {
		c := cell{MetricBand, "", b.ID}
		v[c] = t.Bands[b.ID]
		v[verdict.total] += t.Bands[b.ID]
		verdict.parts = append(verdict.parts, c)
	}
	completed := family{total: cell{MetricCompleted, "", ""}, parts: []cell{verdict.total}, totalFirst: true}
	for _, e := range l.Ends {
		c := cell{MetricEnd, e.ID, ""}
		v[c] = t.Ends[e.ID]
		completed.parts = append(completed.parts, c)
	}
	fams := []family{verdict, completed}
	for _, q := range l.Questions {
		f := family{total: cell{MetricReached, q.ID, ""}}
		v[f.total] = t.Reached[q.ID]
		for _, ch := range q.Choices {
			c := cell{MetricAnswer, q.ID, ch}
			v[c] = t.Answers[q.ID][ch]
			f.parts = append(f.parts, c)
		}
		left := cell{MetricAbandoned, q.ID, ""}
		v[left] = t.Abandoned(q.ID)
		f.parts = append(f.parts, left)
		fams = append(fams, f)
	}
	return v, fams
}

// suppress decides which cells are shown.
func suppress(v map[cell]int64, fams []family) map[cell]visibility {
	vis := map[cell]visibility{}
	for c, n := range v {
		if n < MinShown {
			vis[c] = small
		}
	}
	for changed := true; changed; {
		changed = false
		for _, f := range fams {
			if protect(f, v, vis) {
				changed = true
			}
		}
	}
	return vis
}

// protect hides one more cell of f when its hidden cells can be worked
// out, and reports whether it did.
func protect(f family, v map[cell]int64, vis map[cell]visibility) bool {
	var hidden, open []cell
	rest := v[f.total]
	for _, p := range f.parts {
		if vis[p] == shown {
			open = append(open, p)
			rest -= v[p]
		} else {
			hidden = append(hidden, p)
		}
	}
	switch {
	case vis[f.total] != shown && len(hidden) > 0:
		return false // the sum of the hidden parts is not known
	case vis[f.total] != shown:
		// Every part shown: their sum is the total. Nothing of this
		// family is hidden, unless the total was hidden for another
		// family: then one part must go too.
		if vis[f.total] == withheld && len(open) > 0 {
			hide(smallest(open, v), vis)
			return true
		}
		return false
	case len(hidden) == 0 || safe(hidden, rest, vis):
		return false
	case len(open) > 0 && !f.totalFirst:
		hide(smallest(open, v), vis)
	default:
		vis[f.total] = withheld
	}
	return true
}

func hide(c cell, vis map[cell]visibility) { vis[c] = withheld }

// smallest is the cell of cs with the smallest count (the first of equals).
func smallest(cs []cell, v map[cell]int64) cell {
	return slices.MinFunc(cs, func(a, b cell) int {
		switch {
		case v[a] < v[b]:
			return -1
		case v[a] > v[b]:
			return 1
		}
		return 0
	})
}

// safe reports whether no hidden cell's count follows from their sum and
// what a reader knows of each: a "<5" is 0 to MinShown-1, a "hidden" one
// MinShown or more.
func safe(hidden []cell, sum int64, vis map[cell]visibility) bool {
	const many = int64(1) << 50 // no upper bound
	lo := func(c cell) int64 {
		if vis[c] == small {
			return 0
		}
		return MinShown
	}
	hi := func(c cell) int64 {
		if vis[c] == small {
			return MinShown - 1
		}
		return many
	}
	var los, his int64
	for _, c := range hidden {
		los += lo(c)
		his += hi(c)
	}
	for _, c := range hidden {
		least := max(lo(c), sum-(his-hi(c)))
		most := min(hi(c), sum-(los-lo(c)))
		if least >= most {
			return false
		}
	}
	return true
}
