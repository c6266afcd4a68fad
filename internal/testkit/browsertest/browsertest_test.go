package browsertest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/chromedp/chromedp"
)

func writeExec(t *testing.T, dir, name string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	chromium := writeExec(t, dir, "chromium", 0o755)
	chrome := writeExec(t, dir, "google-chrome", 0o755)
	plain := writeExec(t, dir, "notexec", 0o644)
	onlyChrome := t.TempDir()
	chromeOnly := writeExec(t, onlyChrome, "google-chrome", 0o755)

	tests := []struct {
		name, chromePath, path string
		want                   string
		wantErr                bool
	}{
		{name: "CHROME_PATH wins over PATH", chromePath: chrome, path: dir, want: chrome},
		{name: "chromium first on PATH", path: dir, want: chromium},
		{name: "google-chrome when alone", path: onlyChrome, want: chromeOnly},
		{name: "nothing on PATH", path: t.TempDir(), wantErr: true},
		{name: "CHROME_PATH missing", chromePath: filepath.Join(dir, "nope"), path: dir, wantErr: true},
		{name: "CHROME_PATH not executable", chromePath: plain, path: dir, wantErr: true},
		{name: "CHROME_PATH a directory", chromePath: dir, path: dir, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CHROME_PATH", tc.chromePath)
			t.Setenv("PATH", tc.path)
			got, err := Find()
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Find() = %q, want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Find() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		t.Setenv("CHROME_PATH", "")
		t.Setenv("PATH", t.TempDir())
		if _, err := Find(); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
}

// TestBrowser loads a page in the real browser, reads what the page's script
// wrote and the Accept-Language the server saw, and takes a screenshot.
func TestBrowser(t *testing.T) {
	var seen string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Get("Accept-Language")
		fmt.Fprint(w, `<!doctype html><title>t</title><p id=p>static</p>
<script>document.getElementById("p").textContent = "ran " + window.innerWidth</script>`)
	}))
	defer srv.Close()

	ctx := New(t, WindowSize(320, 600), Flag("accept-lang", "en"))
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#p")))
	if err != nil {
		t.Fatal(err)
	}
	if text != "ran 320" {
		t.Errorf("page text = %q, want %q (script ran in a 320 px window)", text, "ran 320")
	}
	if seen == "" || seen[:2] != "en" {
		t.Errorf("Accept-Language = %q, want it to start with en", seen)
	}
	path := filepath.Join(t.TempDir(), "sub", "shot.png")
	var png []byte
	SaveScreenshot(t, ctx, path)
	png, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot is not a PNG: % x", png[:8])
	}
}

// TestNoScript: with NoScript the page's script does not run, and the
// test can still read the page.
func TestNoScript(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>t</title><p id=p>static</p><script>document.getElementById("p").textContent = "ran"</script>`)
	}))
	defer srv.Close()
	ctx := New(t, NoScript())
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("p").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if text != "static" {
		t.Errorf("page text = %q: the page's script ran", text)
	}
}

// TestRequired: with BROWSER_REQUIRED=1 and no browser, New fails the test
// instead of skipping it. The decision is read through a recording
// testing.TB, since a real Fatalf would fail this test.
func TestRequired(t *testing.T) {
	for _, tc := range []struct {
		required    string
		wantFatal   bool
		wantSkipped bool
	}{
		{"1", true, false},
		{"", false, true},
		{"0", false, true},
	} {
		t.Run("BROWSER_REQUIRED="+tc.required, func(t *testing.T) {
			t.Setenv("CHROME_PATH", "")
			t.Setenv("PATH", t.TempDir())
			t.Setenv("BROWSER_REQUIRED", tc.required)
			rec := &recorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				New(rec)
			}()
			<-done
			if rec.fatal != tc.wantFatal || rec.skipped != tc.wantSkipped {
				t.Fatalf("fatal=%v skipped=%v; want fatal=%v skipped=%v", rec.fatal, rec.skipped, tc.wantFatal, tc.wantSkipped)
			}
		})
	}
}

// recorder notes Fatalf and Skipf and ends the goroutine as the real ones do.
type recorder struct {
	testing.TB
	fatal, skipped bool
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(string, ...any) {
	r.fatal = true
	runtime.Goexit()
}
func (r *recorder) Skipf(string, ...any) {
	r.skipped = true
	runtime.Goexit()
}
