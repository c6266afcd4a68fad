package stats

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// MinShown is the smallest count reports show as a number: below it (zero
// included) a count reads "<5", so no single person's answers can be read
// off a small campaign.
const MinShown = 5

// Suppressed is how a count below MinShown reads, in every format.
const Suppressed = "<5"

// Count formats a count with small-count suppression: 0 to 4 all read "<5".
func Count(n int64) string {
	if n < MinShown {
		return Suppressed
	}
	return strconv.FormatInt(n, 10)
}

// MetricNotInFlow is the row counting what the statistics hold for steps,
// choices, bands or ends the served flow does not have (an older version
// of the flow): listed one by one they would show up only when someone
// gave such an answer, so they are summed into one row, always present.
const MetricNotInFlow = "not-in-flow"

// line is one line of any export.
type line struct {
	campaign, metric, step, choice string
	n                              int64
}

// reportLines flattens totals into the rows of l, the same rows for every
// campaign whatever its counts, in the flow's order.
func reportLines(ts []*Totals, l *Layout) []line {
	var out []line
	for _, t := range ts {
		c := t.Campaign
		out = append(out, line{c, "started", "", "", t.Started}, line{c, "completed", "", "", t.Completed})
		for _, b := range l.Bands {
			out = append(out, line{c, "band", "", b.ID, t.Bands[b.ID]})
		}
		for _, e := range l.Ends {
			out = append(out, line{c, "end", e.ID, "", t.Ends[e.ID]})
		}
		for _, q := range l.Questions {
			out = append(out, line{c, "reached", q.ID, "", t.Reached[q.ID]}, line{c, "abandoned", q.ID, "", t.Abandoned(q.ID)})
			for _, ch := range q.Choices {
				out = append(out, line{c, "answer", q.ID, ch, t.Answers[q.ID][ch]})
			}
		}
		out = append(out, line{c, MetricNotInFlow, "", "", notInFlow(t, l)})
	}
	return out
}

// notInFlow sums the counts of t that no row of l shows.
func notInFlow(t *Totals, l *Layout) int64 {
	var n int64
	bands, ends := map[string]bool{}, map[string]bool{}
	for _, b := range l.Bands {
		bands[b.ID] = true
	}
	for _, e := range l.Ends {
		ends[e.ID] = true
	}
	for b, k := range t.Bands {
		if !bands[b] {
			n += k
		}
	}
	for e, k := range t.Ends {
		if !ends[e] {
			n += k
		}
	}
	for s, k := range t.Reached {
		if l.question(s) == nil {
			n += k
		}
	}
	for s, cs := range t.Answers {
		q := l.question(s)
		for ch, k := range cs {
			if q == nil || !contains(q.Choices, ch) {
				n += k
			}
		}
	}
	return n
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Export writes totals as "table", "csv" or "json": every row of l for
// every campaign, every count suppressed below MinShown. In JSON a count
// is a string like in the other formats: digits, or "<5".
func Export(w io.Writer, format string, ts []*Totals, l *Layout) error {
	return write(w, format, reportLines(ts, l))
}

func write(w io.Writer, format string, rs []line) error {
	switch format {
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CAMPAIGN\tMETRIC\tSTEP\tCHOICE\tCOUNT")
		for _, r := range rs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.campaign, r.metric, r.step, r.choice, Count(r.n))
		}
		return tw.Flush()
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"campaign", "metric", "step", "choice", "count"})
		for _, r := range rs {
			_ = cw.Write([]string{r.campaign, r.metric, r.step, r.choice, Count(r.n)})
		}
		cw.Flush()
		return cw.Error()
	case "json":
		type jrow struct {
			Campaign string `json:"campaign"`
			Metric   string `json:"metric"`
			Step     string `json:"step,omitempty"`
			Choice   string `json:"choice,omitempty"`
			Count    string `json:"count"`
		}
		out := []jrow{}
		for _, r := range rs {
			out = append(out, jrow{r.campaign, r.metric, r.step, r.choice, Count(r.n)})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // "<5" must read as it does in the other formats
		return enc.Encode(out)
	}
	return fmt.Errorf("unknown format %q: use table, csv or json", format)
}
