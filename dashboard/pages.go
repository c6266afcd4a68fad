package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/locales/toolkit"
	"github.com/selfcheck-id/selfcheck/poster"
	"github.com/selfcheck-id/selfcheck/stats"
)

func (h *Handler) routes() {
	h.mux.HandleFunc("GET "+Prefix+"{$}", h.overview)
	h.mux.HandleFunc("GET "+Prefix+"c/{name}", h.campaignPage)
	h.mux.HandleFunc("GET "+Prefix+"c/{name}/chart.png", h.chart)
	h.mux.HandleFunc("GET "+Prefix+"c/{name}/report.csv", h.download("csv", "text/csv; charset=utf-8"))
	h.mux.HandleFunc("GET "+Prefix+"c/{name}/report.json", h.download("json", "application/json"))
	h.mux.HandleFunc("GET "+Prefix+"report.csv", h.download("csv", "text/csv; charset=utf-8"))
	h.mux.HandleFunc("GET "+Prefix+"new", h.newCampaign)
	h.mux.HandleFunc("GET "+Prefix+"make/{file}", h.material)
	h.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
	})
}

// query is what a page's address asks: the language and the days.
type query struct {
	Lang     string
	From, To string
}

func readQuery(r *http.Request) query {
	q := query{Lang: r.URL.Query().Get("lang"), From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to")}
	if q.Lang != "en" {
		q.Lang = "id" // the organisers' language, unless they ask otherwise
	}
	return q
}

// Encode is the query string of q, for links that keep it (made by
// url.Values, so safe to put in an address as it is).
func (q query) Encode() template.URL {
	v := url.Values{"lang": {q.Lang}}
	if q.From != "" {
		v.Set("from", q.From)
	}
	if q.To != "" {
		v.Set("to", q.To)
	}
	return template.URL(v.Encode())
}

// Switch is the query string of q in the other language (the page's
// other parameters, such as a campaign's name, kept).
func (q query) Switch(r *http.Request) template.URL {
	v := r.URL.Query()
	v.Set("lang", q.Other())
	return template.URL(v.Encode())
}

// Other is the other language, for the switch.
func (q query) Other() string {
	if q.Lang == "id" {
		return "en"
	}
	return "id"
}

// page is what every template gets.
type page struct {
	Q     query
	Lang  template.URL // the query string of this page in the other language
	Zone  string
	Title string
	Error string
	Data  any
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Lang = p.Q.Switch(r)
	var buf bytes.Buffer
	if err := h.pages.ExecuteTemplate(&buf, name, p); err != nil {
		h.cfg.Log.Error("dashboard: template", "page", name, "err", err)
		http.Error(w, "500 the page could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail shows a page with a message for people, and logs the cause.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, q query, status int, msg string, err error) {
	if err != nil {
		h.cfg.Log.Warn("dashboard", "status", status, "err", err)
	}
	h.render(w, r, status, "error.html", page{Q: q, Zone: h.cfg.Zone.String(), Title: toolkit.T(q.Lang, "dash.title"), Error: msg})
}

// read flushes the counts in hand and reads those f admits.
func (h *Handler) read(ctx context.Context, f stats.Filter) ([]*stats.Totals, error) {
	if h.cfg.Flush != nil {
		if err := h.cfg.Flush(ctx); err != nil {
			return nil, err
		}
	}
	return stats.Read(ctx, h.cfg.Redis, f)
}

func (h *Handler) layout(lang string) *stats.Layout {
	c := h.cfg.Content()
	return stats.LayoutIn(c.Flow, c.Msgs, lang)
}

// summary is one campaign's line of the overview.
type summary struct {
	Name, First, Last, Started, Verdicts string
	Bands                                []string
}

type overviewData struct {
	Campaigns []summary
	Bands     []string
	NoLink    string
}

func (h *Handler) overview(w http.ResponseWriter, r *http.Request) {
	q := readQuery(r)
	ts, err := h.read(r.Context(), stats.Filter{})
	if err != nil {
		h.fail(w, r, q, http.StatusServiceUnavailable, "Redis: "+err.Error(), err)
		return
	}
	stats.NewestFirst(ts)
	l := h.layout(q.Lang)
	d := overviewData{NoLink: h.cfg.NoLink}
	for _, b := range l.Bands {
		d.Bands = append(d.Bands, b.Label)
	}
	for _, t := range ts {
		s := summary{Name: t.Campaign, First: t.First, Last: t.Last}
		for _, row := range stats.Rows(t, l) {
			switch row.Metric {
			case stats.MetricStarted:
				s.Started = row.Count
			case stats.MetricVerdict:
				s.Verdicts = row.Count
			case stats.MetricBand:
				s.Bands = append(s.Bands, row.Count)
			}
		}
		d.Campaigns = append(d.Campaigns, s)
	}
	h.render(w, r, http.StatusOK, "overview.html", page{Q: q, Zone: h.cfg.Zone.String(), Title: toolkit.T(q.Lang, "dash.title"), Data: d})
}

// campaignData is one campaign's page.
type campaignData struct {
	Name       string
	Header     []string
	Checks     []stats.Row
	More       []stats.Row // finished, and counts of older questions: under the cards
	Bands      []stats.Row
	Questions  []questionRows
	ChartQuery template.URL
}

type questionRows struct {
	Section, Text string
	Rows          []stats.Row
}

// totals reads one campaign over the days asked, or says why not: a bad
// date (400) or a campaign without statistics (404).
func (h *Handler) totals(w http.ResponseWriter, r *http.Request, q query) (*stats.Totals, bool) {
	name := r.PathValue("name")
	f := stats.Filter{Campaign: name, From: q.From, To: q.To}
	if err := f.Check(); err != nil {
		h.fail(w, r, q, http.StatusBadRequest, toolkit.T(q.Lang, "dash.bad_date")+" ("+err.Error()+")", nil)
		return nil, false
	}
	ts, err := h.read(r.Context(), f)
	if err != nil {
		h.fail(w, r, q, http.StatusServiceUnavailable, "Redis: "+err.Error(), err)
		return nil, false
	}
	if t := stats.Find(ts, name); t != nil {
		return t, true
	}
	if q.From != "" || q.To != "" {
		// Known, with no counts in these days: its rows, all <5.
		all, err := h.read(r.Context(), stats.Filter{Campaign: name})
		if err == nil && stats.Find(all, name) != nil {
			return &stats.Totals{Campaign: name}, true
		}
	}
	h.fail(w, r, q, http.StatusNotFound, fmt.Sprintf("%q: %s", name, toolkit.T(q.Lang, "dash.unknown")), nil)
	return nil, false
}

func (h *Handler) campaignPage(w http.ResponseWriter, r *http.Request) {
	q := readQuery(r)
	t, ok := h.totals(w, r, q)
	if !ok {
		return
	}
	l := h.layout(q.Lang)
	rep := &stats.Report{From: q.From, To: q.To, Zone: h.cfg.Zone.String(), Campaigns: []*stats.Totals{t}}
	d := campaignData{Name: t.Campaign, Header: stats.Header(rep, l), ChartQuery: q.Encode()}
	var help []stats.Row
	for _, row := range stats.Rows(t, l) {
		switch row.Metric {
		case stats.MetricStarted, stats.MetricVerdict:
			d.Checks = append(d.Checks, row)
		case stats.MetricCompleted, stats.MetricNotInFlow:
			d.More = append(d.More, row)
		case stats.MetricBand:
			d.Bands = append(d.Bands, row)
		case stats.MetricEnd:
			row.Answer = row.Question // the help screen's text
			help = append(help, row)
		default:
			if n := len(d.Questions); n == 0 || d.Questions[n-1].Text != row.Question {
				d.Questions = append(d.Questions, questionRows{Section: row.Section, Text: row.Question})
			}
			last := &d.Questions[len(d.Questions)-1]
			last.Rows = append(last.Rows, row)
		}
	}
	if len(help) > 0 {
		d.Questions = append(d.Questions, questionRows{Section: help[0].Section, Text: toolkit.T(q.Lang, "report.help_screen"), Rows: help})
	}
	h.render(w, r, http.StatusOK, "campaign.html", page{Q: q, Zone: h.cfg.Zone.String(), Title: t.Campaign, Data: d})
}

func (h *Handler) chart(w http.ResponseWriter, r *http.Request) {
	q := readQuery(r)
	t, ok := h.totals(w, r, q)
	if !ok {
		return
	}
	l := h.layout(q.Lang)
	var buf bytes.Buffer
	if err := stats.DrawChartIn(&buf, q.Lang, t.Campaign, stats.Groups(t, l)); err != nil {
		h.fail(w, r, q, http.StatusInternalServerError, err.Error(), err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(buf.Bytes())
}

// download serves a campaign's report as a file named for the campaign
// and its days.
func (h *Handler) download(format, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := readQuery(r)
		var ts []*stats.Totals
		label := "all"
		if r.PathValue("name") == "" {
			// Every campaign, newest first: one spreadsheet for a report.
			f := stats.Filter{From: q.From, To: q.To}
			if err := f.Check(); err != nil {
				h.fail(w, r, q, http.StatusBadRequest, toolkit.T(q.Lang, "dash.bad_date")+" ("+err.Error()+")", nil)
				return
			}
			var err error
			if ts, err = h.read(r.Context(), f); err != nil {
				h.fail(w, r, q, http.StatusServiceUnavailable, "Redis: "+err.Error(), err)
				return
			}
			stats.NewestFirst(ts)
		} else {
			t, ok := h.totals(w, r, q)
			if !ok {
				return
			}
			ts, label = []*stats.Totals{t}, t.Campaign
		}
		rep := &stats.Report{From: q.From, To: q.To, Zone: h.cfg.Zone.String(), Campaigns: ts}
		var buf bytes.Buffer
		if format == "csv" {
			buf.WriteString("\ufeff") // a byte-order mark: Excel then reads the file as UTF-8
		}
		if err := stats.Export(&buf, format, rep, h.layout(q.Lang)); err != nil {
			h.fail(w, r, q, http.StatusInternalServerError, err.Error(), err)
			return
		}
		from, to := rep.Days()
		name := fmt.Sprintf("selfcheck-%s-%s-%s-%s.%s", label, from, to, q.Lang, format)
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		_, _ = w.Write(buf.Bytes())
	}
}

// made is a campaign made in the form.
type made struct {
	Name, Lang, Link string
	Query            template.URL
}

// campaignLink reads the form and makes the link, or says why not.
func (h *Handler) campaignLink(w http.ResponseWriter, r *http.Request, q query) (made, bool) {
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	lang := r.URL.Query().Get("campaign_lang")
	if lang != "id" && lang != "en" {
		lang = q.Lang
	}
	if h.cfg.Link == nil {
		h.fail(w, r, q, http.StatusServiceUnavailable, toolkit.T(q.Lang, h.cfg.NoLink), nil)
		return made{}, false
	}
	if err := campaign.CheckName(name); err != nil {
		h.fail(w, r, q, http.StatusBadRequest, toolkit.T(q.Lang, "dash.new_help")+" ("+err.Error()+")", nil)
		return made{}, false
	}
	link, err := h.cfg.Link(r.Context(), name, lang)
	if err != nil {
		h.fail(w, r, q, http.StatusBadRequest, err.Error(), nil)
		return made{}, false
	}
	v := url.Values{"name": {name}, "campaign_lang": {lang}, "lang": {q.Lang}}
	return made{Name: name, Lang: lang, Link: link, Query: template.URL(v.Encode())}, true
}

func (h *Handler) newCampaign(w http.ResponseWriter, r *http.Request) {
	q := readQuery(r)
	m, ok := h.campaignLink(w, r, q)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "new.html", page{Q: q, Zone: h.cfg.Zone.String(), Title: m.Name, Data: m})
}

// material serves a made campaign's QR code (PNG, SVG) or poster (PDF,
// PNG) as a file to save.
func (h *Handler) material(w http.ResponseWriter, r *http.Request) {
	q := readQuery(r)
	m, ok := h.campaignLink(w, r, q)
	if !ok {
		return
	}
	var buf bytes.Buffer
	var err error
	var ctype, name string
	switch r.PathValue("file") {
	case "qr.png":
		ctype, name, err = "image/png", "qr", campaign.QR(&buf, m.Link, 600)
	case "qr.svg":
		ctype, name, err = "image/svg+xml", "qr", campaign.QRSVG(&buf, m.Link)
	case "poster.pdf", "poster.png":
		var p *poster.Poster
		if p, err = poster.New(m.Link, m.Lang, h.cfg.Content().Set.Contacts); err == nil {
			name = "poster-" + m.Lang
			if strings.HasSuffix(r.PathValue("file"), ".pdf") {
				ctype, err = "application/pdf", p.PDF(&buf)
			} else {
				ctype, err = "image/png", p.PNG(&buf)
			}
		}
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, q, http.StatusInternalServerError, err.Error(), err)
		return
	}
	ext := r.PathValue("file")[strings.LastIndexByte(r.PathValue("file"), '.'):]
	w.Header().Set("Content-Type", ctype)
	if r.URL.Query().Get("inline") == "" {
		w.Header().Set("Content-Disposition", `attachment; filename="selfcheck-`+m.Name+"-"+name+ext+`"`)
	}
	_, _ = w.Write(buf.Bytes())
}
