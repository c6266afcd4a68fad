package stats

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"
)

// MinShown is the smallest count reports show as a number: below it a
// count reads "<5", so no single person's answers can be read off a small
// campaign.
const MinShown = 5

// Count formats a count with small-count suppression.
func Count(n int64) string {
	if n < MinShown {
		return "<" + strconv.Itoa(MinShown)
	}
	return strconv.FormatInt(n, 10)
}

// line is one line of any export.
type line struct {
	campaign, metric, step, choice string
	n                              int64
}

// lines flattens totals in a stable order, steps in flow order.
func lines(ts []*Totals, steps []string) []line {
	var out []line
	for _, t := range ts {
		c := t.Campaign
		out = append(out, line{c, "started", "", "", t.Started}, line{c, "completed", "", "", t.Completed})
		for _, b := range sortedKeys(t.Bands) {
			out = append(out, line{c, "band", "", b, t.Bands[b]})
		}
		for _, e := range sortedKeys(t.Ends) {
			out = append(out, line{c, "end", e, "", t.Ends[e]})
		}
		for _, s := range orderSteps(t, steps) {
			out = append(out, line{c, "reached", s, "", t.Reached[s]}, line{c, "abandoned", s, "", t.Abandoned(s)})
			for _, ch := range sortedKeys(t.Answers[s]) {
				out = append(out, line{c, "answer", s, ch, t.Answers[s][ch]})
			}
		}
	}
	return out
}

// orderSteps lists the steps t saw: first in flow order, then the rest.
func orderSteps(t *Totals, steps []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range steps {
		if t.Reached[s] > 0 || len(t.Answers[s]) > 0 {
			out = append(out, s)
			seen[s] = true
		}
	}
	var rest []string
	for s := range t.Reached {
		if !seen[s] {
			rest = append(rest, s)
			seen[s] = true
		}
	}
	for s := range t.Answers {
		if !seen[s] {
			rest = append(rest, s)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func sortedKeys(m map[string]int64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Write exports totals as "table", "csv" or "json", every count suppressed
// below MinShown. steps gives the flow's order of questions.
func Write(w io.Writer, format string, ts []*Totals, steps []string) error {
	rs := lines(ts, steps)
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
