package web

import (
	"context"
	"flag"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/selfcheck-id/selfcheck/internal/testkit/browsertest"
	"github.com/selfcheck-id/selfcheck/locales"
)

var screenshots = flag.Bool("screenshots", false, "write the pages' screenshots to docs/web-*.png")

// shot saves a screenshot for the docs when the test runs with -screenshots.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if *screenshots {
		browsertest.SaveScreenshot(t, ctx, filepath.Join("..", "docs", "web-"+name+".png"))
	}
}

// browse is a real Chromium at a phone's 320 px width on srv.
type browse struct {
	t   *testing.T
	ctx context.Context
	srv *httptest.Server
}

func newBrowse(t *testing.T, srv *httptest.Server, lang string, opts ...browsertest.Option) *browse {
	opts = append([]browsertest.Option{browsertest.WindowSize(320, 720), browsertest.Flag("accept-lang", lang)}, opts...)
	ctx := browsertest.New(t, opts...)
	b := &browse{t: t, ctx: ctx, srv: srv}
	b.load(chromedp.Navigate(srv.URL + "/"))
	return b
}

// load runs actions that load a page and waits for it.
func (b *browse) load(a chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, a)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.Status >= 400 {
		b.t.Fatalf("%s: status %d", resp.URL, resp.Status)
	}
}

func (b *browse) text() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.body.innerText"))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

func (b *browse) eval(js string) bool {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// firstAnswer is the first answer button of the question on screen.
const firstAnswer = `form.choices button[name="d"][value^="a:"]`

// answer taps the first answer; false when there is none (the end).
func (b *browse) answer() bool {
	if !b.eval(`document.querySelector('` + firstAnswer + `') !== null`) {
		return false
	}
	b.load(chromedp.Click(chromedp.CSS(firstAnswer)))
	return true
}

// readable: nothing wider than the 320 px screen, so nothing needs a
// sideways scroll, and every piece of text visible has a contrast of at
// least 4.5:1 with what is behind it (WCAG AA for normal text).
func (b *browse) readable(where string) {
	b.t.Helper()
	if !b.eval(`document.documentElement.scrollWidth <= 320`) {
		w, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
		b.t.Errorf("%s: the page is %d px wide at 320", where, w)
	}
	low, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](lowContrast))
	if err != nil {
		b.t.Fatal(err)
	}
	for _, l := range low {
		b.t.Errorf("%s: contrast under 4.5:1: %s", where, l)
	}
}

// lowContrast lists the elements whose own text has a contrast under 4.5:1
// with the first opaque background behind them (WCAG 2 formula).
const lowContrast = `(() => {
  const rgb = s => s.match(/[\d.]+/g).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const bg = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own || el.offsetParent === null) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push(el.tagName + " " + ratio.toFixed(2) + ": " + el.textContent.trim().slice(0, 40));
  }
  return out;
})()`

// TestBrowserCheck completes a check in Indonesian and in English in a
// real browser at 320 px with JavaScript off, and reaches the emergency
// screen in one tap from the middle of a check.
func TestBrowserCheck(t *testing.T) {
	srv, env := newServer(t, Options{})
	msgs := env.Core.Content().Msgs
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			b := newBrowse(t, srv, lang, browsertest.NoScript())
			if !b.eval(`document.documentElement.lang === "` + lang + `"`) {
				t.Fatalf("page not in %s", lang)
			}
			shot(t, b.ctx, "welcome-"+lang)
			b.readable("welcome")
			n := 0
			for b.answer() {
				if n++; n == 3 {
					shot(t, b.ctx, "question-"+lang)
				}
				b.readable("question")
				if n > 60 {
					t.Fatal("no verdict after 60 answers")
				}
			}
			if want := msgs.Text(lang, locales.VerdictContact, false, nil); !strings.Contains(b.text(), want) {
				t.Fatalf("no verdict (%q) after %d answers:\n%s", want, n, b.text())
			}
			if !b.eval(`document.querySelector('a[href^="tel:"]') !== null && document.querySelector('a[href^="https://wa.me/"]') !== null`) {
				t.Error("the verdict has no tel: or wa.me link")
			}
			b.readable("verdict")
			shot(t, b.ctx, "verdict-"+lang)

			// Emergency: one tap from the middle of a new check.
			b.load(chromedp.Click(chromedp.CSS(`form.choices button[name="d"][value^="r:"]`)))
			b.answer()
			b.answer()
			b.load(chromedp.Click(chromedp.CSS("#sos")))
			if want := msgs.Text(lang, "q.emg_who", false, nil); !strings.Contains(b.text(), want) {
				t.Fatalf("one tap on %q did not reach the emergency screen:\n%s", msgs.Text(lang, locales.BtnHelp, false, nil), b.text())
			}
			shot(t, b.ctx, "emergency-"+lang)
		})
	}
}

// TestBrowserKiosk: an idle kiosk shows its countdown, then clears itself
// to its start button; the browser's back button then shows none of the
// previous visitor's answers.
func TestBrowserKiosk(t *testing.T) {
	srv, env := newServer(t, Options{Kiosk: true, Idle: 6 * time.Second, Start: "booth1",
		TelegramLink: "https://t.me/example_bot?start=booth1"})
	msgs := env.Core.Content().Msgs
	b := newBrowse(t, srv, "en")
	shot(t, b.ctx, "kiosk-start")
	b.load(chromedp.Click(chromedp.CSS("#start")))
	b.answer()
	b.answer()
	question := b.text()
	// The countdown shows in the last third of the idle time, then the
	// page clears itself: both are waited for as the page changes.
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS("#idle"))); err != nil {
		t.Fatal(err)
	}
	shot(t, b.ctx, "kiosk-countdown")
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS("#start"))); err != nil {
		t.Fatal(err)
	}
	if keys := env.Redis.Keys(); len(keys) != 0 {
		t.Errorf("%d sessions stored after the reset, want none: %v", len(keys), keys)
	}
	// Back, to the previous visitor's last page: whatever the browser
	// shows (a form-resubmission page, or the page posted again), it is
	// not their question.
	_ = chromedp.Do(b.ctx, chromedp.NavigateBack())
	for _, line := range strings.Split(question, "\n") {
		if strings.HasPrefix(line, msgs.Text("en", locales.Progress, false, map[string]any{"N": 2, "Left": 0})[:8]) {
			if strings.Contains(b.text(), line) {
				t.Errorf("after back the page shows the previous visitor's %q", line)
			}
		}
	}

	// A whole visit: the verdict ends with the QR code and "next person".
	b.load(chromedp.Navigate(srv.URL + "/"))
	b.load(chromedp.Click(chromedp.CSS("#start")))
	for b.answer() {
	}
	if !b.eval(`document.querySelector('.qr img').naturalWidth > 0`) {
		t.Error("the kiosk's verdict has no QR code image")
	}
	shot(t, b.ctx, "kiosk-verdict")
	b.load(chromedp.Click(chromedp.CSS("#done")))
	if !b.eval(`document.getElementById("start") !== null`) {
		t.Fatalf("next person: not the start button:\n%s", b.text())
	}
}
