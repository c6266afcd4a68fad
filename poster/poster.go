// Package poster draws the A4 poster organisers print for an event: a
// call to action read from across a room, the campaign's QR code, its link
// written large for those who cannot scan, and the national hotlines, all
// in Indonesian or English. The hotlines come from the contact directory
// (flows/contacts.yaml), never from this code.
package poster

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
	"github.com/selfcheck-id/selfcheck/locales/toolkit"
)

// Hotlines are the contacts a poster lists, in this order: national lines
// that answer anyone in Indonesia for free (KP2MI also from abroad).
var Hotlines = []string{"kp2mi", "sapa129", "police"}

// A4 in millimetres.
const (
	widthMM  = 210
	heightMM = 297
)

// DPI is the resolution posters are drawn at: enough for print (the QR's
// modules are whole pixels at any size used) and a 2-3 MB image.
const DPI = 150

// Poster is what a poster shows.
type Poster struct {
	Link     string // the campaign's deep link
	Lang     string // "id" or "en"
	Contacts []*flows.Contact
}

// New makes the poster of link in lang with the Hotlines of the contact
// directory; a hotline missing or disabled there is an error: a poster
// printed by the hundred must not lose a number silently.
func New(link, lang string, directory map[string]*flows.Contact) (*Poster, error) {
	if !locales.Supported(lang) {
		return nil, fmt.Errorf("language %q: use one of %s", lang, strings.Join(locales.Languages(), ", "))
	}
	p := &Poster{Link: link, Lang: lang}
	for _, id := range Hotlines {
		c := directory[id]
		if c == nil || c.Disabled != "" {
			return nil, fmt.Errorf("contact %s is missing or disabled in contacts.yaml: a poster lists it", id)
		}
		p.Contacts = append(p.Contacts, c)
	}
	return p, nil
}

var fonts = sync.OnceValues(func() (regular, bold *opentype.Font) {
	var err error
	if regular, err = opentype.Parse(goregular.TTF); err != nil {
		panic(err) // built in: it parses
	}
	if bold, err = opentype.Parse(gobold.TTF); err != nil {
		panic(err)
	}
	return regular, bold
})

// face is f at size points (1/72 inch) at DPI.
func face(f *opentype.Font, pt float64) font.Face {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: DPI, Hinting: font.HintingFull})
	if err != nil {
		panic(err) // fixed, valid options
	}
	return fc
}

func mm(v float64) int { return int(v * DPI / 25.4) }

var (
	navy  = color.RGBA{20, 45, 90, 255}
	amber = color.RGBA{250, 190, 40, 255}
	ink   = color.RGBA{20, 20, 20, 255}
	grey  = color.RGBA{80, 80, 80, 255}
)

// Image draws the poster: A4 portrait at DPI.
func (p *Poster) Image() (*image.RGBA, error) {
	codes, err := campaign.Encode(p.Link)
	if err != nil {
		return nil, err
	}
	t := func(id string) string { return toolkit.T(p.Lang, id) }
	regular, bold := fonts()
	W, H := mm(widthMM), mm(heightMM)
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	margin := mm(15)
	textW := W - 2*margin

	// The hotlines at the foot, on an amber band; drawn first, so that the
	// QR code takes the room left between the texts.
	foot := face(bold, 22)
	body := face(regular, 20)
	nLines := 0
	for _, c := range p.Contacts {
		nLines += len(numbers(c, p.Lang, t("poster.from_abroad")))
	}
	gap := mm(3)
	top := H - (mm(10) + lineHeight(foot) + nLines*lineHeight(body) + len(p.Contacts)*gap)
	draw.Draw(img, image.Rect(0, top, W, H), image.NewUniform(amber), image.Point{}, draw.Src)
	y := top + mm(4) + lineHeight(foot)
	write(img, foot, t("poster.help"), margin, y, ink)
	for _, c := range p.Contacts {
		y += gap
		for i, n := range numbers(c, p.Lang, t("poster.from_abroad")) {
			y += lineHeight(body)
			if i == 0 {
				write(img, foot, shortName(c.Name[p.Lang]), margin, y, ink)
			}
			write(img, body, n, margin+mm(40), y, ink)
		}
	}

	// The call to action on a dark band: 68 pt bold capitals are about
	// 17 mm high, read across a classroom (about 25 mm per 10 metres is
	// the signage rule of thumb).
	y = mm(12)
	head := face(bold, 68)
	lines := wrap(head, t("poster.headline"), textW)
	bandH := mm(14) + len(lines)*lineHeight(head)
	draw.Draw(img, image.Rect(0, 0, W, bandH), image.NewUniform(navy), image.Point{}, draw.Src)
	for _, l := range lines {
		y += lineHeight(head)
		centre(img, head, l, W, y-descent(head), color.White)
	}
	y = bandH + mm(8)
	sub := face(bold, 30)
	for _, l := range wrap(sub, t("poster.sub"), textW) {
		y += lineHeight(sub)
		centre(img, sub, l, W, y-descent(sub), ink)
	}
	how := face(regular, 20)
	y += mm(2)
	for _, l := range wrap(how, t("poster.how"), textW) {
		y += lineHeight(how)
		centre(img, how, l, W, y-descent(how), grey)
	}

	// Under the code: how to scan, then the link, as large as fits on one
	// line, without "https://".
	scan, or := face(bold, 24), face(regular, 18)
	shown := strings.TrimPrefix(p.Link, "https://")
	lf := fitFace(bold, shown, textW, 28)
	below := lineHeight(scan) + mm(4) + lineHeight(or) + lineHeight(lf) + mm(4)

	// The QR code, up to 10 cm wide with its quiet zone; at least 5 cm.
	y += mm(4)
	room := top - below - y
	if room < mm(50) {
		return nil, fmt.Errorf("the texts leave %d mm for the QR code: shorten them", room*254/DPI/10)
	}
	code := codes.Image(min(mm(100), room))
	cx := (W - code.Bounds().Dx()) / 2
	draw.Draw(img, code.Bounds().Add(image.Pt(cx, y)), code, image.Point{}, draw.Src)
	y += code.Bounds().Dy() + lineHeight(scan) - mm(3)
	centre(img, scan, t("poster.scan"), W, y, ink)
	y += mm(4) + lineHeight(or)
	centre(img, or, t("poster.or"), W, y, grey)
	y += lineHeight(lf)
	centre(img, lf, shown, W, y, ink)
	return img, nil
}

// shortName is a contact's name up to its first bracket or comma: "KP2MI"
// of "KP2MI (kementerian ...), call center 24 jam".
func shortName(name string) string {
	if i := strings.IndexAny(name, "(,"); i > 0 {
		name = name[:i]
	}
	return strings.TrimSpace(name)
}

// numbers are a contact's numbers and WhatsApp, one a line.
func numbers(c *flows.Contact, lang, abroad string) []string {
	var parts []string
	for _, n := range c.Call {
		s := n.Number
		if note := n.Note[lang]; note != "" && n.Local {
			s += " (" + note + ")"
		} else if !n.Local {
			s += " (" + abroad + ")"
		}
		parts = append(parts, s)
	}
	if c.WhatsApp != "" {
		parts = append(parts, "WhatsApp "+c.WhatsApp)
	}
	return parts
}

func lineHeight(f font.Face) int { return f.Metrics().Height.Ceil() }
func descent(f font.Face) int    { return f.Metrics().Descent.Ceil() }

// wrap breaks s into lines at most w pixels wide in f.
func wrap(f font.Face, s string, w int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := strings.TrimSpace(line + " " + word)
		if line != "" && font.MeasureString(f, try).Ceil() > w {
			lines = append(lines, line)
			line = word
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// fitFace is f at the largest size up to pt points, down to 10, at which s
// fits in w pixels.
func fitFace(f *opentype.Font, s string, w int, pt float64) font.Face {
	for ; pt > 10; pt-- {
		fc := face(f, pt)
		if font.MeasureString(fc, s).Ceil() <= w {
			return fc
		}
	}
	return face(f, 10)
}

func centre(img *image.RGBA, f font.Face, s string, width, baseline int, c color.Color) {
	x := (width - font.MeasureString(f, s).Ceil()) / 2
	write(img, f, s, x, baseline, c)
}

func write(img *image.RGBA, f font.Face, s string, x, baseline int, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, baseline)}
	d.DrawString(s)
}
