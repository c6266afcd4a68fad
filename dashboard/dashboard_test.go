package dashboard_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/dashboard"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/stats"
)

const (
	password = "correct horse battery staple"
	key      = "0123456789abcdef0123456789abcdef"
)

// server serves a dashboard over a Redis holding two campaigns: "fair"
// (12 people on 2026-11-20, 11 of them on to a verdict) and "tiny" (one
// person, 2026-11-25: the newest).
func server(t *testing.T, opts ...func(*dashboard.Config)) *httptest.Server {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	rec := stats.NewRecorder(rdb, testcore.Quiet())
	ctx := context.Background()
	for i := range 12 {
		o := convo.Outcome{Campaign: "fair", Day: "2026-11-20", Started: true, Asked: []string{"welcome", "source"},
			Answers: []flows.Answer{{Step: "welcome", Choice: "self"}, {Step: "source", Choice: "ad"}}}
		if i > 0 {
			o.Band = "high"
		}
		rec.Observe(ctx, o)
	}
	rec.Observe(ctx, convo.Outcome{Campaign: "tiny", Day: "2026-11-25", Started: true, Asked: []string{"welcome"}, Band: "lower"})
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	content := testcore.Content(t, testcore.Mini())
	keys := campaign.NewKeys(key)
	cfg := dashboard.Config{Password: password, Redis: rdb, Content: func() *convo.Content { return content }, Zone: time.UTC,
		Link: func(_ context.Context, name, lang string) (string, error) {
			p, err := keys.Payload(name, lang)
			return campaign.Link("selfcheck_test_bot", p), err
		}}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := dashboard.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// get fetches path with the password (pass "" for none).
func get(t *testing.T, s *httptest.Server, path, pass string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	if pass != "" {
		req.SetBasicAuth("ngo", pass)
	}
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestPasswordIsAsked(t *testing.T) {
	s := server(t)
	for _, path := range []string{"/dashboard/", "/dashboard/c/fair", "/dashboard/c/fair/report.csv", "/dashboard/make/poster.pdf?name=x", "/"} {
		for _, pass := range []string{"", "wrong", password + "x", strings.ToUpper(password)} {
			res, body := get(t, s, path, pass)
			if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Basic ") ||
				strings.Contains(body, "fair") {
				t.Errorf("%s with %q: %d %q", path, pass, res.StatusCode, body)
			}
		}
	}
	if res, _ := get(t, s, "/dashboard/", password); res.StatusCode != http.StatusOK {
		t.Errorf("with the password: %d", res.StatusCode)
	}
	if _, err := dashboard.New(dashboard.Config{}); err == nil {
		t.Error("a dashboard without a password")
	}
}

func TestOverviewNewestFirstAndSuppressed(t *testing.T) {
	s := server(t)
	res, body := get(t, s, "/dashboard/?lang=en", password)
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("%d %v", res.StatusCode, res.Header)
	}
	tiny, fair := strings.Index(body, ">tiny<"), strings.Index(body, ">fair<")
	if tiny < 0 || fair < 0 || tiny > fair {
		t.Errorf("want tiny (newest) before fair:\n%s", body)
	}
	// fair: 12 started, 11 verdicts, all higher risk: the bands read <5,
	// <5 and hidden, never 0, 0 and 11.
	row := body[fair:]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{">12<", ">11<", "&lt;5", ">hidden<"} {
		if !strings.Contains(row, want) {
			t.Errorf("fair's row lacks %q: %s", want, row)
		}
	}
	if strings.Contains(row, ">0<") {
		t.Errorf("fair's row shows a 0: %s", row)
	}
	if _, body := get(t, s, "/dashboard/", password); !strings.Contains(body, "Kampanye") || !strings.Contains(body, `lang="id"`) {
		t.Error("the dashboard is not in Indonesian by default")
	}
}

func TestCampaignPage(t *testing.T) {
	s := server(t)
	res, body := get(t, s, "/dashboard/c/fair?lang=en", password)
	if res.StatusCode != 200 {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	for _, want := range []string{"Days: 2026-11-20 – 2026-11-20 (UTC)", "Questions: mini v1", "&lt;5 means fewer than 5",
		"Where did you find the offer?", "An ad", "Left at this question", `src="/dashboard/c/fair/chart.png?lang=en"`,
		`href="/dashboard/c/fair/report.csv?lang=en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The language switch keeps the days asked.
	if _, body := get(t, s, "/dashboard/c/fair?lang=en&from=2026-11-01&to=2026-11-30", password); !strings.Contains(body, `href="?from=2026-11-01&amp;lang=id&amp;to=2026-11-30" id="lang-switch"`) {
		t.Errorf("the language switch:\n%.1200s", body)
	}
	if _, body := get(t, s, "/dashboard/c/fair?lang=id", password); !strings.Contains(body, "ID Where did you find the offer?") {
		t.Error("the questions are not in Indonesian with lang=id")
	}
	for _, tt := range []struct {
		path string
		code int
		msg  string
	}{
		{"/dashboard/c/fair?from=2026-13-01", 400, "YYYY-MM-DD"},
		{"/dashboard/c/fair?from=yesterday", 400, "YYYY-MM-DD"},
		{"/dashboard/c/fair?from=2026-11-21&to=2026-11-20", 400, "ends before it starts"},
		{"/dashboard/c/nope?lang=en", 404, "No statistics for this campaign"},
		{"/dashboard/c/%3Cscript%3E?lang=en", 404, "&#34;&lt;script&gt;&#34;"},
		{"/dashboard/c/fair?from=2026-12-01&lang=en", 200, "Days: 2026-12-01"},
		{"/dashboard/c/fair/report.csv?from=2026-99-01", 400, "YYYY-MM-DD"},
	} {
		res, body := get(t, s, tt.path, password)
		if res.StatusCode != tt.code || !strings.Contains(body, tt.msg) {
			t.Errorf("%s: %d, want %d with %q:\n%.400s", tt.path, res.StatusCode, tt.code, tt.msg, body)
		}
	}
	res, body = get(t, s, "/dashboard/c/fair/chart.png?lang=id", password)
	if _, err := png.Decode(strings.NewReader(body)); err != nil || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("chart: %v %v", err, res.Header)
	}
}

func TestDownloads(t *testing.T) {
	s := server(t)
	res, body := get(t, s, "/dashboard/c/fair/report.csv?lang=en&from=2026-11-01&to=2026-11-30", password)
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="selfcheck-fair-2026-11-01-2026-11-30-en.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil || !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("csv: %v", err)
	}
	found := false
	for _, r := range rows {
		if r[0] == "fair" && r[2] == "Where did you find the offer?" && r[3] == "An ad" {
			found = r[4] == "hidden" && r[5] == "2026-11-01" && r[6] == "2026-11-30" && r[len(r)-1] == "ad"
		}
	}
	if !found {
		t.Errorf("no row for the answer 'An ad' (hidden: all 12 gave it), days and codes:\n%s", body)
	}
	// Every campaign in one file, newest first.
	res, body = get(t, s, "/dashboard/report.csv?lang=en", password)
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="selfcheck-all-2026-11-20-2026-11-25-en.csv"` ||
		!strings.Contains(body, "\ntiny,") || strings.Index(body, "\ntiny,") > strings.Index(body, "\nfair,") {
		t.Errorf("all campaigns: %q\n%.300s", cd, body)
	}
	if res, _ := get(t, s, "/dashboard/report.csv?from=nope", password); res.StatusCode != 400 {
		t.Errorf("all campaigns with a bad date: %d", res.StatusCode)
	}
	res, body = get(t, s, "/dashboard/c/tiny/report.json", password)
	if !strings.Contains(body, `"rows"`) || !strings.Contains(body, `"count": "<5"`) || res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("json: %v\n%s", res.Header, body)
	}
}

func TestMakeACampaign(t *testing.T) {
	shipped := testcore.Content(t, convo.Embedded) // the posters list its hotlines
	s := server(t, func(c *dashboard.Config) { c.Content = func() *convo.Content { return shipped } })
	res, body := get(t, s, "/dashboard/new?lang=en&name=sma1-lombok&campaign_lang=id", password)
	if res.StatusCode != 200 || !strings.Contains(body, "https://t.me/selfcheck_test_bot?start=sma1-lombok-") {
		t.Fatalf("%d:\n%s", res.StatusCode, body)
	}
	link := body[strings.Index(body, "https://t.me/"):]
	link = link[:strings.IndexByte(link, '"')]
	if code, lang := campaign.Parse(strings.TrimPrefix(link, "https://t.me/selfcheck_test_bot?start=")); lang != "id" {
		t.Errorf("link %s: language %q", link, lang)
	} else if name, ok := campaign.NewKeys(key).Verify(code); !ok || name != "sma1-lombok" {
		t.Errorf("link %s is not signed with the key", link)
	}
	q := "?lang=en&name=sma1-lombok&campaign_lang=id"
	res, body = get(t, s, "/dashboard/make/qr.png"+q, password)
	img, err := png.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	if got, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil); err != nil || got.GetText() != link {
		t.Errorf("the QR code reads %v, %v; want %s", got, err, link)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "selfcheck-sma1-lombok-qr.png") {
		t.Errorf("qr.png: %q", cd)
	}
	for file, starts := range map[string]string{"qr.svg": "<svg", "poster.pdf": "%PDF-1.4", "poster.png": "\x89PNG"} {
		res, body := get(t, s, "/dashboard/make/"+file+q, password)
		if res.StatusCode != 200 || !strings.HasPrefix(body, starts) {
			t.Errorf("%s: %d %q", file, res.StatusCode, body[:min(20, len(body))])
		}
	}
	for _, bad := range []string{"name=", "name=siti_081234567890", "name=has+space", "name=direct", "name=fair-id"} {
		res, body := get(t, s, "/dashboard/new?lang=en&"+bad, password)
		if res.StatusCode != 400 || !strings.Contains(body, "not a person") {
			t.Errorf("%s: %d\n%.300s", bad, res.StatusCode, body)
		}
	}
	if res, _ := get(t, s, "/dashboard/make/poster.doc"+q, password); res.StatusCode != 404 {
		t.Errorf("poster.doc: %d", res.StatusCode)
	}
	// Without CAMPAIGN_KEY the form says why it cannot make links.
	s2 := server(t, func(c *dashboard.Config) { c.Link, c.NoLink = nil, "dash.no_key" })
	if _, body := get(t, s2, "/dashboard/?lang=en", password); !strings.Contains(body, "CAMPAIGN_KEY") || strings.Contains(body, `id="new-campaign"`) {
		t.Error("without a key the form is offered")
	}
	if res, body := get(t, s2, "/dashboard/new?name=x", password); res.StatusCode != 503 || !strings.Contains(body, "CAMPAIGN_KEY") {
		t.Errorf("new without a key: %d", res.StatusCode)
	}
}

var _ = bytes.NewReader
