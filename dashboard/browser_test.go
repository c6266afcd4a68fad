package dashboard_test

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/dashboard"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/browsertest"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/stats"
)

var screenshots = flag.Bool("screenshots", false, "write the pages' screenshots to docs/dashboard-*.png")

// shipped serves the dashboard over the shipped flow with synthetic
// campaigns: 140 checks of "sma1-lombok" over three days, answering at
// random, and a few in two smaller ones.
func shipped(t *testing.T) (srv string) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	content := testcore.Content(t, convo.Embedded)
	l := stats.NewLayout(content.Flow, content.Msgs)
	rec := stats.NewRecorder(rdb, testcore.Quiet())
	rng := rand.New(rand.NewPCG(3, 4))
	play := func(name, day string, n int) {
		for range n {
			o := convo.Outcome{Campaign: name, Day: day, Started: true}
			for _, q := range l.Questions {
				if q.Emergency || (q.Conditional && rng.IntN(3) > 0) {
					continue
				}
				o.Asked = append(o.Asked, q.ID)
				if rng.IntN(30) == 0 {
					break // left here
				}
				o.Answers = append(o.Answers, flows.Answer{Step: q.ID, Choice: q.Choices[rng.IntN(len(q.Choices))]})
			}
			if len(o.Answers) == len(o.Asked) {
				o.Band = l.Bands[rng.IntN(len(l.Bands))].ID
			}
			rec.Observe(context.Background(), o)
		}
	}
	play("sma1-lombok", "2026-11-18", 40)
	play("sma1-lombok", "2026-11-19", 70)
	play("sma1-lombok", "2026-11-20", 30)
	play("bursa-kerja-mataram", "2026-11-22", 12)
	play("radio-talkshow", "2026-11-25", 3)
	if err := rec.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	keys := campaign.NewKeys(key)
	h, err := dashboard.New(dashboard.Config{Password: password, Redis: rdb, Content: func() *convo.Content { return content },
		Zone: mustZone(t, "Asia/Jakarta"), Link: func(_ context.Context, name, lang string) (string, error) {
			p, err := keys.Payload(name, lang)
			return campaign.Link("selfcheck_id_bot", p), err
		}})
	if err != nil {
		t.Fatal(err)
	}
	s := httptestServer(t, h)
	return s
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	return loc
}

// TestBrowserCoordinator does what a coordinator does in a real
// Chromium: is asked for the password, logs in, opens the campaign with
// data, changes the days, downloads the CSV, makes a new campaign and
// downloads its poster; the downloads are checked as files.
func TestBrowserCoordinator(t *testing.T) {
	ctx := browsertest.New(t, browsertest.WindowSize(1100, 900))
	base := shipped(t)
	downloads := t.TempDir()
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.innerText"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	eval := func(js string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	shot := func(name string) {
		if *screenshots {
			browsertest.SaveScreenshot(t, ctx, filepath.Join("..", "docs", "dashboard-"+name+".png"))
		}
	}
	// Asked for the password, the coordinator presses Cancel: 401, and no
	// count on the page.
	var typed atomic.Pointer[[2]string]
	prompt(t, ctx, &typed)
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/dashboard/"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 401 || strings.Contains(text(), "sma1-lombok") {
		t.Fatalf("without the password: %d %q", resp.Status, text())
	}
	// Logged in: the browser's password prompt is answered, as a person
	// types it, whenever the site asks (the page, the chart, downloads).
	typed.Store(&[2]string{"koordinator", password})
	u, _ := url.Parse(base)
	resp, err = chromedp.RunResponse(ctx, chromedp.Navigate(u.String()+"/dashboard/?lang=en"))
	if err != nil || resp.Status != 200 {
		t.Fatalf("logged in: %v %v", resp, err)
	}
	page := text()
	if !strings.Contains(page, "radio-talkshow") || strings.Index(page, "radio-talkshow") > strings.Index(page, "sma1-lombok") {
		t.Errorf("the campaigns, newest first:\n%s", page)
	}
	shot("overview")

	// The campaign with data: its counts, the chart, the answers in words.
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[href^="/dashboard/c/sma1-lombok"]`)))
	if err != nil || resp.Status != 200 {
		t.Fatalf("campaign page: %v %v", resp, err)
	}
	page = text()
	for _, want := range []string{"Days: 2026-11-18 – 2026-11-20 (Asia/Jakarta)", "Questions: offer-check v", "Started the check\n140",
		"What is the job?", "Online gambling or casino", "Left at this question"} {
		if !strings.Contains(page, want) {
			t.Errorf("the campaign page lacks %q:\n%.2000s", want, page)
		}
	}
	do(chromedp.WaitVisible(chromedp.CSS("#chart")))
	if !eval(`document.querySelector('#chart').complete && document.querySelector('#chart').naturalWidth > 600`) {
		t.Error("the chart did not load")
	}
	shot("campaign")

	// The same page in Indonesian, by the switch at the top.
	if resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#lang-switch`))); err != nil || resp.Status != 200 {
		t.Fatalf("switch to Indonesian: %v %v", resp, err)
	}
	if page = text(); !strings.Contains(page, "Memulai cek\n140") || !strings.Contains(page, "Hari: 2026-11-18 – 2026-11-20") {
		t.Errorf("in Indonesian:\n%.1500s", page)
	}
	shot("campaign-id")
	do(chromedp.Click(chromedp.CSS(`#lang-switch`)))
	do(chromedp.WaitVisible(chromedp.CSS(`#range`)))

	// One day only.
	do(chromedp.SetValue(chromedp.CSS(`#range input[name="from"]`), "2026-11-19"), chromedp.SetValue(chromedp.CSS(`#range input[name="to"]`), "2026-11-19"))
	if resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#range button`))); err != nil || resp.Status != 200 {
		t.Fatalf("one day: %v %v", resp, err)
	}
	if page = text(); !strings.Contains(page, "Days: 2026-11-19 – 2026-11-19") || !strings.Contains(page, "Started the check\n70") {
		t.Errorf("one day:\n%.1500s", page)
	}

	// The CSV, as a spreadsheet gets it.
	do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: ptr(true)})
		return err
	}))
	download := func(sel string) []byte {
		t.Helper()
		progress := chromedp.Events(ctx, browser.DownloadProgress) // a break ends it: one per download
		do(chromedp.Click(chromedp.CSS(sel)))
		for ev, err := range progress {
			if err != nil {
				t.Fatal(err)
			}
			if ev.State == browser.DownloadProgressStateCanceled {
				t.Fatalf("%s: download cancelled", sel)
			}
			if ev.State == browser.DownloadProgressStateCompleted {
				b, err := os.ReadFile(filepath.Join(downloads, ev.GUID))
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
		t.Fatalf("%s: no download", sel)
		return nil
	}
	csvFile := string(download("#csv"))
	if !strings.HasPrefix(csvFile, "\ufeffcampaign,section,question,answer,count") ||
		!strings.Contains(csvFile, "sma1-lombok,Checks,Started the check,,70,2026-11-19,2026-11-19,Asia/Jakarta,offer-check v") {
		t.Errorf("the CSV:\n%.600s", csvFile)
	}

	// A new campaign: its link, its QR code, its poster.
	do(chromedp.Navigate(u.String() + "/dashboard/?lang=en"))
	do(chromedp.SetValue(chromedp.CSS(`#new-campaign input[name="name"]`), "posyandu-sumbawa"),
		chromedp.SetValue(chromedp.CSS(`#new-campaign select[name="campaign_lang"]`), "id"))
	if resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#new-campaign button`))); err != nil || resp.Status != 200 {
		t.Fatalf("new campaign: %v %v", resp, err)
	}
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#link').value`))
	if err != nil || !strings.HasPrefix(link, "https://t.me/selfcheck_id_bot?start=posyandu-sumbawa-") || !strings.HasSuffix(link, "-id") {
		t.Fatalf("link %q %v", link, err)
	}
	do(chromedp.WaitVisible(chromedp.CSS("#qr")))
	if !eval(`document.querySelector('#qr').complete && document.querySelector('#qr').naturalWidth > 300`) {
		t.Error("the QR code did not load")
	}
	shot("new-campaign")
	posterPNG := download("#poster-png")
	img, err := png.Decode(bytes.NewReader(posterPNG))
	if err != nil {
		t.Fatalf("poster: %v", err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	if res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil); err != nil || res.GetText() != link {
		t.Errorf("the poster's code reads %v, %v; want %s", res, err, link)
	}
	if pdf := download("#poster-pdf"); !bytes.HasPrefix(pdf, []byte("%PDF-1.4")) {
		t.Errorf("poster PDF starts %q", pdf[:min(10, len(pdf))])
	}
	if *screenshots {
		if err := os.WriteFile(filepath.Join("..", "docs", "poster-example.png"), posterPNG, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// prompt answers the browser's HTTP authentication prompts as a person
// would, through the DevTools Fetch domain: every request is let through,
// and a 401 challenge gets the user name and password in typed, or Cancel
// while typed is nil.
func prompt(t *testing.T, ctx context.Context, typed *atomic.Pointer[[2]string]) {
	t.Helper()
	paused, auth := chromedp.Events(ctx, fetch.RequestPaused), chromedp.Events(ctx, fetch.AuthRequired)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()
	go func() {
		for ev, err := range auth {
			if err != nil {
				return
			}
			answer := &fetch.AuthChallengeResponse{Response: fetch.AuthChallengeResponseResponseCancelAuth}
			if up := typed.Load(); up != nil {
				answer = &fetch.AuthChallengeResponse{Response: fetch.AuthChallengeResponseResponseProvideCredentials, Username: up[0], Password: up[1]}
			}
			_, _ = chromedp.Call(ctx, fetch.ContinueWithAuth, fetch.ContinueWithAuthParams{RequestID: ev.RequestID, AuthChallengeResponse: answer})
		}
	}()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{HandleAuthRequests: ptr(true)}); err != nil {
		t.Fatal(err)
	}
}
