package poster_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	xdraw "golang.org/x/image/draw"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/poster"
)

const link = "https://t.me/selfcheck_test_bot?start=sma1-lombok-2026-abcdefgh-id"

func directory(t *testing.T) map[string]*flows.Contact {
	t.Helper()
	set, ps := flows.Load(flows.Files, ".")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	return set.Contacts
}

func draw(t *testing.T, lang string) image.Image {
	t.Helper()
	p, err := poster.New(link, lang, directory(t))
	if err != nil {
		t.Fatal(err)
	}
	img, err := p.Image()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// photo is img scaled to width pixels, as a phone's photo of the poster
// taken from a step back (a 1 MP shot, most of it the poster).
func photo(img image.Image, width int) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, width, b.Dy()*width/b.Dx()))
	xdraw.CatmullRom.Scale(out, out.Bounds(), img, b, xdraw.Src, nil)
	return out
}

func decode(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

// TestPosterIsA4AndItsCodeScans: the poster is A4 at 150 dpi and its code
// reads back as the link, full size and as a phone photo of it.
func TestPosterIsA4AndItsCodeScans(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		img := draw(t, lang)
		if b := img.Bounds(); b.Dx() != 1240 || b.Dy() != 1753 {
			t.Errorf("%s: %dx%d pixels, want A4 at 150 dpi (1240x1753)", lang, b.Dx(), b.Dy())
		}
		for _, w := range []int{img.Bounds().Dx(), 600} {
			if got := decode(t, photo(img, w)); got != link {
				t.Errorf("%s at %d px wide: decoded %q, want %q", lang, w, got, link)
			}
		}
	}
}

func TestPosterRefusesWhatItCannotPrint(t *testing.T) {
	dir := directory(t)
	if _, err := poster.New(link, "fr", dir); err == nil {
		t.Error("a poster in French")
	}
	without := map[string]*flows.Contact{}
	for id, c := range dir {
		without[id] = c
	}
	delete(without, poster.Hotlines[0])
	if _, err := poster.New(link, "id", without); err == nil || !strings.Contains(err.Error(), poster.Hotlines[0]) {
		t.Errorf("a poster without %s: %v", poster.Hotlines[0], err)
	}
}

// TestPDFHoldsThePoster: the PDF is one A4 page whose image is the poster.
func TestPDFHoldsThePoster(t *testing.T) {
	p, err := poster.New(link, "en", directory(t))
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := p.PDF(&pdf); err != nil {
		t.Fatal(err)
	}
	s := pdf.String()
	for _, want := range []string{"%PDF-1.4", "/MediaBox [0 0 595.28 841.89]", "/Width 1240 /Height 1753", "%%EOF"} {
		if !strings.Contains(s, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	// With poppler's pdftoppm, the page renders and its code scans; without
	// it this part skips, unless BROWSER_REQUIRED=1 (CI installs it).
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("BROWSER_REQUIRED") == "1" {
			t.Fatal("pdftoppm not found (apt-get install poppler-utils); BROWSER_REQUIRED=1")
		}
		t.Skip("no pdftoppm (apt-get install poppler-utils): the page is not rendered")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "p.pdf")
	if err := os.WriteFile(file, pdf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "100", "-singlefile", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	page, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, page); got != link {
		t.Errorf("the printed page decodes to %q", got)
	}
}

// TestQRHasAQuietZoneOfFourModules: the code's white margin is 4 modules
// on every side, and the SVG says the same.
func TestQRHasAQuietZoneOfFourModules(t *testing.T) {
	m, err := campaign.Encode(link)
	if err != nil {
		t.Fatal(err)
	}
	img := m.Image(400)
	px := img.Bounds().Dx() / (m.N + 2*campaign.QuietZone)
	margin := func(x, y int) bool { return img.GrayAt(x, y).Y == 255 }
	q := campaign.QuietZone * px
	for i := 0; i < img.Bounds().Dx(); i++ {
		for d := 0; d < q; d++ {
			if !margin(i, d) || !margin(d, i) || !margin(i, img.Bounds().Dy()-1-d) || !margin(img.Bounds().Dx()-1-d, i) {
				t.Fatalf("a dark pixel in the quiet zone near (%d, %d)", i, d)
			}
		}
	}
	// The finder pattern starts right after it.
	if margin(q, q) {
		t.Error("no module where the code should start")
	}
	var svg bytes.Buffer
	if err := m.SVG(&svg, link); err != nil {
		t.Fatal(err)
	}
	side := m.N + 2*campaign.QuietZone
	if !strings.Contains(svg.String(), "viewBox=\"0 0 "+itoa(side)+" "+itoa(side)+"\"") || !strings.Contains(svg.String(), "M4 4h7v1h-7z") {
		t.Errorf("SVG:\n%.300s", svg.String())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestWritePosterForReview writes the posters to POSTER_OUT when set, to
// look at them.
func TestWritePosterForReview(t *testing.T) {
	dir := os.Getenv("POSTER_OUT")
	if dir == "" {
		t.Skip("POSTER_OUT not set")
	}
	for _, lang := range []string{"id", "en"} {
		f, err := os.Create(filepath.Join(dir, "poster-"+lang+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, draw(t, lang)); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}
