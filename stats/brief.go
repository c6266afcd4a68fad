package stats

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Overview writes one line per campaign, newest first, for a narrow
// monospaced screen (a phone): checks started, those that reached a
// verdict, and each band, every count suppressed as in the reports.
func Overview(w io.Writer, ts []*Totals, l *Layout, zone string) error {
	ts = append([]*Totals(nil), ts...)
	NewestFirst(ts)
	if len(ts) == 0 {
		_, err := fmt.Fprintln(w, tr(l, "dash.none"))
		return err
	}
	fmt.Fprintf(w, "%s (%s)\n", tr(l, "dash.newest"), zone)
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	head := []string{"", "last", "start", "verd"}
	for _, b := range l.Bands {
		head = append(head, shortCode(b.ID))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, t := range ts {
		rows := Rows(t, l)
		line := []string{Shorten(t.Campaign, 14) + " ", shortDay(t.Last), countOf(rows, MetricStarted, ""), countOf(rows, MetricVerdict, "")}
		for _, b := range l.Bands {
			line = append(line, countOf(rows, MetricBand, b.ID))
		}
		fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "/stats NAME")
	return err
}

// Detail writes one campaign's report for a narrow screen: the header,
// then each section and question with its answers and counts.
func Detail(w io.Writer, r *Report, l *Layout) error {
	for _, t := range r.Campaigns {
		fmt.Fprintln(w, t.Campaign)
		for _, h := range Header(r, l)[:2] {
			fmt.Fprintln(w, h)
		}
		question := ""
		for _, row := range Rows(t, l) {
			if row.Metric == MetricBand || row.Metric == MetricAnswer || row.Metric == MetricAbandoned || row.Metric == MetricReached || row.Metric == MetricEnd {
				q := row.Question
				if row.Metric == MetricBand {
					q = row.Section
				}
				if q != question {
					question = q
					fmt.Fprintln(w, "\n"+Shorten(q, 60))
				}
				fmt.Fprintf(w, "  %-30s %s\n", Shorten(row.Answer, 30), row.Count)
				continue
			}
			fmt.Fprintf(w, "%-32s %s\n", Shorten(row.Question, 32), row.Count)
		}
		fmt.Fprintln(w, "\n"+tr(l, "report.rule"))
	}
	return nil
}

func countOf(rows []Row, metric, choice string) string {
	for _, r := range rows {
		if r.Metric == metric && r.Choice == choice {
			if r.vis == withheld {
				return "hid"
			}
			return r.Count
		}
	}
	return ""
}

// shortCode is a band's id cut to four letters for a column head.
func shortCode(id string) string {
	if len(id) > 4 {
		return id[:4]
	}
	return id
}

// shortDay is MM-DD of a YYYY-MM-DD day.
func shortDay(day string) string {
	if len(day) == len("2006-01-02") {
		return day[5:]
	}
	return day
}
