package stats

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
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
	// Names left, counts right: the names are padded to one width, and
	// the tabwriter right-aligns every column.
	width := 0
	for _, t := range ts {
		width = max(width, utf8.RuneCountInString(Shorten(t.Campaign, 14)))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	head := []string{fmt.Sprintf("%-*s", width, ""), "last", "start", "verd"}
	for _, b := range l.Bands {
		head = append(head, shortCode(b.ID))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, t := range ts {
		rows := Rows(t, l)
		line := []string{fmt.Sprintf("%-*s", width, Shorten(t.Campaign, 14)), shortDay(t.Last), countOf(rows, MetricStarted, ""), countOf(rows, MetricVerdict, "")}
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

// Detail writes one campaign's report for a phone's screen, within a
// Telegram message where it can: the header, the checks, the bands, then
// each question ("saw" and "left" on its line) with its answers. The
// dashboard and the CSV have the same in full words.
func Detail(w io.Writer, r *Report, l *Layout) error {
	for _, t := range r.Campaigns {
		fmt.Fprintln(w, t.Campaign)
		for _, h := range Header(r, l)[:2] {
			fmt.Fprintln(w, h)
		}
		rows := Rows(t, l)
		line := func(label, count string) { fmt.Fprintf(w, "  %-22s %s\n", Shorten(label, 22), count) }
		fmt.Fprintln(w)
		line(tr(l, "report.started"), countOf(rows, MetricStarted, ""))
		line(tr(l, "report.verdict"), countOf(rows, MetricVerdict, ""))
		for _, b := range l.Bands {
			line(drawable(b.Text), countOf(rows, MetricBand, b.ID))
		}
		for _, q := range l.Questions {
			if q.Emergency {
				continue // the help screens above count those who asked for help
			}
			var reached, left string
			for _, row := range rows {
				if row.Step != q.ID {
					continue
				}
				switch row.Metric {
				case MetricReached:
					reached = row.Count
				case MetricAbandoned:
					left = row.Count
				}
			}
			fmt.Fprintf(w, "\n%s\n  (%s %s, %s %s)\n", Shorten(q.Text, 50), tr(l, "report.saw_short"), reached, tr(l, "report.left_short"), left)
			for i, ch := range q.Choices {
				line(q.ChoiceText[i], countOf(rows, MetricAnswer, ch, q.ID))
			}
		}
	}
	return nil
}

// countOf is the count of the row with metric and choice (and step,
// when given), "hid" for a hidden one.
func countOf(rows []Row, metric, choice string, step ...string) string {
	for _, r := range rows {
		if r.Metric == metric && r.Choice == choice && (len(step) == 0 || r.Step == step[0]) {
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
