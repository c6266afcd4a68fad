// Package browsertest starts a real headless Chromium for tests of web pages,
// driven with chromedp. A test that needs a browser calls New: where no
// browser is installed the test is skipped, unless BROWSER_REQUIRED=1 (CI sets
// it), where it fails, so a CI machine without Chromium cannot pass in silence.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Names are the executables looked for on PATH, in order, when CHROME_PATH is
// not set: Debian's package installs chromium; other systems name it otherwise.
var names = []string{"chromium", "chromium-browser", "google-chrome"}

// ErrNotFound says no browser was found.
var ErrNotFound = errors.New("browsertest: no chromium found (set CHROME_PATH, or install chromium)")

// Find returns the browser to run: CHROME_PATH when set (it must be an
// executable file), else the first of chromium, chromium-browser and
// google-chrome on PATH.
func Find() (string, error) {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		st, err := os.Stat(p)
		if err != nil {
			return "", fmt.Errorf("browsertest: CHROME_PATH: %w", err)
		}
		if st.IsDir() || st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("browsertest: CHROME_PATH %s is not an executable file", p)
		}
		return p, nil
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// Required reports whether a missing browser fails the test instead of
// skipping it (BROWSER_REQUIRED=1).
func Required() bool { return os.Getenv("BROWSER_REQUIRED") == "1" }

type config struct {
	width, height int
	flags         map[string]any
	noScript      bool
}

// Option changes how the browser starts.
type Option func(*config)

// WindowSize sets the size of the window in CSS pixels (default 412x915, a
// common phone); a test of a narrow phone passes 320 wide.
func WindowSize(width, height int) Option {
	return func(c *config) { c.width, c.height = width, height }
}

// Flag passes a command-line flag to Chromium, such as
// Flag("accept-lang", "en") for the Accept-Language the pages see.
func Flag(name string, value any) Option {
	return func(c *config) { c.flags[name] = value }
}

// NoScript turns the pages' JavaScript off, to show that a page works
// without it; the test's own chromedp.Evaluate calls still run.
func NoScript() Option {
	return func(c *config) { c.noScript = true }
}

// New starts a headless browser for the test and returns a context for
// chromedp.Do and chromedp.Run on its first tab; the browser is stopped when the test ends.
// Without a browser the test is skipped, or fails when Required.
func New(t testing.TB, opts ...Option) context.Context {
	t.Helper()
	path, err := Find()
	if err != nil {
		if Required() {
			t.Fatalf("%v (BROWSER_REQUIRED=1)", err)
		}
		t.Skipf("%v; skipping (BROWSER_REQUIRED=1 makes this fail)", err)
	}
	c := config{width: 412, height: 915, flags: map[string]any{}}
	for _, o := range opts {
		o(&c)
	}
	ao := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		// Tests run as root in CI, where Chromium's sandbox refuses to start.
		chromedp.NoSandbox,
		chromedp.WindowSize(c.width, c.height),
		// A fresh profile per test: no cookie or cache leaks between tests.
		chromedp.UserDataDir(t.TempDir()),
	)
	for k, v := range c.flags {
		ao = append(ao, chromedp.Flag(k, v))
	}
	// A guard, not a measure: a step waiting for a page that never comes
	// fails the test after two minutes instead of hanging it.
	guard, cancelGuard := context.WithTimeout(context.Background(), 2*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(guard, ao...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		cancelGuard()
	})
	// Start the browser now, so a browser that cannot start fails here
	// with its own error rather than in the test's first step.
	// The viewport is emulated as well: a real window is never narrower
	// than about 500 px, and a phone is.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(c.width), int64(c.height))); err != nil {
		t.Fatalf("browsertest: starting %s: %v", path, err)
	}
	if c.noScript {
		off := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		})
		if err := chromedp.Do(ctx, off); err != nil {
			t.Fatalf("browsertest: turning JavaScript off: %v", err)
		}
	}
	return ctx
}

// Screenshot returns a PNG of the whole page, beyond the window's height.
func Screenshot(ctx context.Context) ([]byte, error) {
	// Quality 100 makes chromedp ask for PNG rather than JPEG.
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, fmt.Errorf("browsertest: screenshot: %w", err)
	}
	return buf, nil
}

// SaveScreenshot writes a PNG of the whole page to path, creating its
// directory; a failure fails the test.
func SaveScreenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	png, err := Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
