package stats

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/selfcheck-id/selfcheck/locales/toolkit"
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

// Report is what an export covers: the campaigns' totals over a range of
// days, counted in a time zone.
type Report struct {
	From, To  string // the first and last day, YYYY-MM-DD; empty: the days with data
	Zone      string // the time zone days are counted in (STATS_TZ)
	Campaigns []*Totals
}

// Days is the range the report covers, in words: the range asked for, or
// the first and last day with counts.
func (r *Report) Days() (from, to string) {
	from, to = r.From, r.To
	for _, t := range r.Campaigns {
		if r.From == "" && t.First != "" && (from == "" || t.First < from) {
			from = t.First
		}
		if r.To == "" && t.Last > to {
			to = t.Last
		}
	}
	return from, to
}

// Row is one line of a report: in words (the section, the question and
// the answer as people read them, in the layout's language) and in codes
// (metric, step and choice, stable across languages and wording).
type Row struct {
	Campaign string `json:"campaign"`
	Section  string `json:"section"`
	Question string `json:"question,omitempty"`
	Answer   string `json:"answer,omitempty"`
	// Count is digits, "<5" (0 to 4), or the word for hidden (5 or more,
	// withheld so that a "<5" beside it cannot be worked out).
	Count  string `json:"count"`
	Metric string `json:"metric"`
	Step   string `json:"step,omitempty"`
	Choice string `json:"choice,omitempty"`

	n    int64
	vis  visibility
	kind cell
}

// Hidden reports whether the row's count is not shown (<5 or hidden).
func (r Row) Hidden() bool { return r.vis != shown }

// Rows lists every row of l for t, the same rows for every campaign
// whatever its counts, in the flow's order, each count suppressed.
func Rows(t *Totals, l *Layout) []Row {
	v, fams := cells(t, l)
	vis := suppress(v, fams)
	tr := func(id string) string { return toolkit.T(l.Lang, id) }
	var out []Row
	add := func(section, question, answer string, c cell) {
		r := Row{Campaign: t.Campaign, Section: section, Question: question, Answer: answer,
			Metric: c.metric, Step: c.step, Choice: c.choice, n: v[c], vis: vis[c], kind: c}
		switch r.vis {
		case small:
			r.Count = Suppressed
		case withheld:
			r.Count = tr("report.hidden")
		default:
			r.Count = strconv.FormatInt(r.n, 10)
		}
		out = append(out, r)
	}
	checks := tr("report.section.checks")
	add(checks, tr("report.started"), "", cell{MetricStarted, "", ""})
	add(checks, tr("report.completed"), "", cell{MetricCompleted, "", ""})
	add(checks, tr("report.verdict"), "", cell{MetricVerdict, "", ""})
	for _, b := range l.Bands {
		add(tr("report.section.verdicts"), tr("report.verdict"), b.Text, cell{MetricBand, "", b.ID})
	}
	for _, e := range l.Ends {
		add(tr("report.section.help"), e.Text, tr("report.help_screen"), cell{MetricEnd, e.ID, ""})
	}
	for _, q := range l.Questions {
		section := tr("report.section.question")
		switch {
		case q.Emergency:
			section = tr("report.section.help")
		case q.Conditional:
			section = tr("report.section.some")
		}
		add(section, q.Text, tr("report.reached"), cell{MetricReached, q.ID, ""})
		for i, ch := range q.Choices {
			add(section, q.Text, q.ChoiceText[i], cell{MetricAnswer, q.ID, ch})
		}
		add(section, q.Text, tr("report.left"), cell{MetricAbandoned, q.ID, ""})
	}
	add(checks, tr("report.older"), "", cell{MetricNotInFlow, "", ""})
	return out
}

// Header is the lines a report starts with: the days and zone, the flow
// and its version, and the rule for small counts.
func Header(r *Report, l *Layout) []string {
	from, to := r.Days()
	days := tr(l, "report.no_data")
	if from != "" {
		days = from + " – " + to
	}
	if r.Zone != "" {
		days += " (" + r.Zone + ")"
	}
	return []string{
		tr(l, "report.range") + ": " + days,
		fmt.Sprintf("%s: %s v%d", tr(l, "report.flow"), l.Flow, l.Version),
		tr(l, "report.rule"),
	}
}

func tr(l *Layout, id string) string { return toolkit.T(l.Lang, id) }

// Export writes a report as "table", "csv" or "json": every row of l for
// every campaign, in words and codes, every count suppressed. The table
// and JSON start with the header (days, flow version, the <5 rule); CSV,
// read by spreadsheets, has the days and flow on every row and the rule
// in the count column's name.
func Export(w io.Writer, format string, r *Report, l *Layout) error {
	var rows []Row
	for _, t := range r.Campaigns {
		rows = append(rows, Rows(t, l)...)
	}
	from, to := r.Days()
	flow := fmt.Sprintf("%s v%d", l.Flow, l.Version)
	switch format {
	case "table", "":
		for _, h := range Header(r, l) {
			fmt.Fprintln(w, h)
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join([]string{tr(l, "report.campaign"), tr(l, "report.section"),
			tr(l, "report.question"), tr(l, "report.answer"), tr(l, "report.count")}, "\t")))
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Campaign, r.Section, Shorten(r.Question, 60), Shorten(r.Answer, 40), r.Count)
		}
		return tw.Flush()
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"campaign", "section", "question", "answer", "count (<5: 0 to 4; hidden: withheld so a <5 cannot be worked out)",
			"from", "to", "zone", "flow", "metric", "step", "choice"})
		// The days of each row are those asked for, or else the
		// campaign's own first and last day with counts: a campaign of
		// one evening must not read as if it ran all month.
		for _, t := range r.Campaigns {
			from, to := r.From, r.To
			if from == "" {
				from = t.First
			}
			if to == "" {
				to = t.Last
			}
			for _, row := range Rows(t, l) {
				_ = cw.Write([]string{row.Campaign, row.Section, row.Question, row.Answer, row.Count,
					from, to, r.Zone, flow, row.Metric, row.Step, row.Choice})
			}
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := struct {
			From    string `json:"from"`
			To      string `json:"to"`
			Zone    string `json:"zone,omitempty"`
			Flow    string `json:"flow"`
			Version int    `json:"version"`
			Rule    string `json:"rule"`
			Rows    []Row  `json:"rows"`
		}{from, to, r.Zone, l.Flow, l.Version, tr(l, "report.rule"), rows}
		if out.Rows == nil {
			out.Rows = []Row{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // "<5" must read as it does in the other formats
		return enc.Encode(out)
	}
	return fmt.Errorf("unknown format %q: use table, csv or json", format)
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
