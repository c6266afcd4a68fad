package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const testCampaignKey = "0123456789abcdef0123456789abcdef"

func runCmd(t *testing.T, cmd command, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cmd(context.Background(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestQRAndPosterFollowTheExtension: -o x.svg writes SVG, x.png a PNG,
// x.pdf a PDF; an extension nothing can write is refused and writes
// nothing. BOT_USERNAME may start with @.
func TestQRAndPosterFollowTheExtension(t *testing.T) {
	t.Setenv("CAMPAIGN_KEY", testCampaignKey)
	t.Setenv("BOT_USERNAME", "@selfcheck_test_bot")
	dir := t.TempDir()
	for _, tt := range []struct {
		cmd    command
		file   string
		extra  []string
		code   int
		starts string
	}{
		{cmdQR, "a.png", nil, 0, "\x89PNG"},
		{cmdQR, "a.svg", nil, 0, "<svg"},
		{cmdQR, "a.jpg", nil, 2, ""},
		{cmdQR, "a", nil, 2, ""},
		{cmdPoster, "p.pdf", []string{"--lang", "id"}, 0, "%PDF-1.4"},
		{cmdPoster, "p.PNG", []string{"--lang", "en"}, 0, "\x89PNG"},
		{cmdPoster, "p.docx", []string{"--lang", "en"}, 2, ""},
		{cmdPoster, "q.pdf", nil, 2, ""}, // no language
	} {
		file := filepath.Join(dir, tt.file)
		code, out, errOut := runCmd(t, tt.cmd, append([]string{"--campaign", "sma1-lombok", "-o", file}, tt.extra...)...)
		data, err := os.ReadFile(file)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d: %s", tt.file, code, tt.code, errOut)
		}
		if tt.code != 0 {
			if err == nil {
				t.Errorf("%s: written, though refused", tt.file)
			}
			if errOut == "" {
				t.Errorf("%s: refused without a word", tt.file)
			}
			continue
		}
		if !strings.HasPrefix(string(data), tt.starts) {
			t.Errorf("%s starts %q, want %q", tt.file, data[:min(8, len(data))], tt.starts)
		}
		if !strings.Contains(out, "https://t.me/selfcheck_test_bot?start=sma1-lombok-") {
			t.Errorf("%s: link %q", tt.file, out)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("%d files left, want the 4 written (no temporary ones)", len(entries))
	}
}

// TestQRAndPosterScanWithZbar: zbarimg (the scanner of zbar-tools) reads
// the link off the QR code and off the A4 poster, full size and as a
// phone's photo (the poster at 600 pixels wide). Without zbarimg it skips,
// unless BROWSER_REQUIRED=1 (CI), where it fails.
func TestQRAndPosterScanWithZbar(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("BROWSER_REQUIRED") == "1" {
			t.Fatal("zbarimg not found (apt-get install zbar-tools); BROWSER_REQUIRED=1")
		}
		t.Skip("zbarimg not found (apt-get install zbar-tools)")
	}
	t.Setenv("CAMPAIGN_KEY", testCampaignKey)
	t.Setenv("BOT_USERNAME", "selfcheck_test_bot")
	dir := t.TempDir()
	var link string
	for _, f := range []struct {
		cmd  command
		name string
	}{{cmdQR, "qr.png"}, {cmdPoster, "poster.png"}} {
		code, out, errOut := runCmd(t, f.cmd, "--campaign", "sma1-lombok", "--lang", "id", "-o", filepath.Join(dir, f.name))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f.name, code, errOut)
		}
		link = out[strings.Index(out, "https://"):]
		link = strings.Fields(link)[0]
	}
	phone := filepath.Join(dir, "photo.png")
	if err := scaleTo(filepath.Join(dir, "poster.png"), phone, 600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"qr.png", "poster.png", "photo.png"} {
		out, err := exec.Command(zbar, "--quiet", "--raw", filepath.Join(dir, f)).Output()
		if err != nil {
			t.Errorf("%s: zbarimg: %v", f, err)
			continue
		}
		if got := strings.TrimSpace(string(out)); got != link {
			t.Errorf("%s: zbarimg read %q, want %q", f, got, link)
		}
	}
}
