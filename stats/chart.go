package stats

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/selfcheck-id/selfcheck/locales/toolkit"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string
	N     int64
	// Hidden draws the bar as a stub reading Withheld: a count of 5 or
	// more withheld so that a small one beside it cannot be worked out.
	Hidden bool
	// Colour of the bar; nil takes the group's.
	Colour color.Color
}

// Group is a titled set of bars of a chart.
type Group struct {
	Title string
	Note  string // one line under the title: how to read these bars
	Bars  []Bar
	// Colour of the group's bars; nil is blue.
	Colour color.Color
}

var (
	white  = color.RGBA{255, 255, 255, 255}
	ink    = color.RGBA{33, 33, 33, 255}
	grey   = color.RGBA{110, 110, 110, 255}
	blue   = color.RGBA{52, 101, 164, 255}
	slate  = color.RGBA{120, 140, 170, 255}
	purple = color.RGBA{117, 80, 123, 255}
	// Band colours read lower to higher risk.
	green, amber, red = color.RGBA{115, 170, 80, 255}, color.RGBA{237, 170, 50, 255}, color.RGBA{204, 60, 50, 255}
)

// Groups are the parts of a campaign's chart:
//   - the funnel: checks started, each question everyone is asked in the
//     flow's order, and the checks that reached a verdict (the sum of the
//     bands);
//   - the questions asked only when earlier answers make them apply,
//     apart, since fewer people reaching one of them is no drop-out;
//   - the verdict bands, lowest first;
//   - the emergency help: its questions and the checks that ended at a
//     help screen, not counted as verdicts.
//
// Every question and band of l has its bar whatever the counts.
func Groups(t *Totals, l *Layout) []Group {
	v, fams := cells(t, l)
	vis := suppress(v, fams)
	bar := func(label string, c cell) Bar {
		n := v[c]
		if vis[c] != shown {
			n = 0 // drawn alike, whatever it was
		}
		return Bar{Label: label, N: n, Hidden: vis[c] == withheld}
	}
	tr := func(id string) string { return toolkit.T(l.Lang, id) }
	funnel := Group{Title: tr("chart.funnel"), Note: tr("chart.funnel_note"), Colour: blue}
	funnel.Bars = append(funnel.Bars, bar(tr("report.started"), cell{MetricStarted, "", ""}))
	cond := Group{Title: tr("chart.some"), Note: tr("chart.some_note"), Colour: slate}
	emergency := Group{Title: tr("chart.emergency"), Note: tr("chart.emergency_note"), Colour: purple}
	for _, q := range l.Questions {
		b := bar(q.Label, cell{MetricReached, q.ID, ""})
		switch {
		case q.Emergency:
			emergency.Bars = append(emergency.Bars, b)
		case q.Conditional:
			cond.Bars = append(cond.Bars, b)
		default:
			funnel.Bars = append(funnel.Bars, b)
		}
	}
	funnel.Bars = append(funnel.Bars, bar(tr("report.verdict"), cell{MetricVerdict, "", ""}))
	bands := Group{Title: tr("chart.verdicts"), Note: tr("chart.verdicts_note")}
	for i, b := range l.Bands {
		x := bar(b.Label, cell{MetricBand, "", b.ID})
		x.Colour = bandColour(i, len(l.Bands))
		bands.Bars = append(bands.Bars, x)
	}
	for _, e := range l.Ends {
		emergency.Bars = append(emergency.Bars, bar(e.Label, cell{MetricEnd, e.ID, ""}))
	}
	gs := []Group{funnel}
	for _, g := range []Group{cond, bands, emergency} {
		if len(g.Bars) > 0 {
			gs = append(gs, g)
		}
	}
	return gs
}

// bandColour is green for the lowest of n bands, red for the highest and
// amber between.
func bandColour(i, n int) color.Color {
	switch {
	case i == 0:
		return green
	case i == n-1:
		return red
	}
	return amber
}

// Chart geometry, in pixels.
const (
	pad      = 16
	labelW   = 410 // labels of LabelMax characters fit
	barW     = 400
	countW   = 60
	rowH     = 22
	titleH   = 34
	headH    = 22
	noteH    = 18
	groupGap = 14
	// stubW is the length of every bar whose count is below MinShown: the
	// same for 0 to 4, so the picture does not tell them apart either.
	stubW = 6
)

// Footnote is printed under every chart (English; DrawChartIn takes a
// language).
var Footnote = toolkit.T("en", "chart.footnote")

var faces = sync.OnceValues(func() (regular, bold *opentype.Font) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // the font is built in: it parses
	}
	bold, err = opentype.Parse(gobold.TTF)
	if err != nil {
		panic(err)
	}
	return regular, bold
})

func face(f *opentype.Font, size float64) font.Face {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err) // fixed, valid options
	}
	return fc
}

// DrawChart draws titled groups of horizontal bars as a PNG, all on one
// scale. A count below MinShown is drawn as a short pale stub of fixed
// length reading "<5", whatever the count: its bar tells no more than the
// tables do. The picture's size depends on the bars, not on the counts.
func DrawChart(w io.Writer, title string, groups []Group) error {
	return DrawChartIn(w, "en", title, groups)
}

// DrawChartIn is DrawChart with the footnote and the word for a hidden
// count in lang.
func DrawChartIn(w io.Writer, lang, title string, groups []Group) error {
	regularFont, boldFont := faces()
	text, small, bold, big := face(regularFont, 13), face(regularFont, 11), face(boldFont, 13), face(boldFont, 16)
	height := pad + titleH
	var top int64 = 1
	for _, g := range groups {
		if g.Title != "" {
			height += headH
		}
		if g.Note != "" {
			height += noteH
		}
		height += rowH*len(g.Bars) + groupGap
		for _, b := range g.Bars {
			top = max(top, b.N)
		}
	}
	height += noteH + pad
	width := pad + labelW + barW + countW + pad
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), &image.Uniform{white}, image.Point{}, draw.Src)
	y := pad
	drawText(img, big, pad, y+18, fit(big, title, width-2*pad), ink)
	y += titleH
	for _, g := range groups {
		if g.Title != "" {
			drawText(img, bold, pad, y+16, fit(bold, g.Title, width-2*pad), ink)
			y += headH
		}
		if g.Note != "" {
			drawText(img, small, pad, y+12, fit(small, g.Note, width-2*pad), grey)
			y += noteH
		}
		for _, b := range g.Bars {
			c := b.Colour
			if c == nil {
				c = g.Colour
			}
			if c == nil {
				c = blue
			}
			drawText(img, text, pad, y+16, fit(text, b.Label, labelW-8), ink)
			length, count := stubW, Count(b.N)
			if b.Hidden {
				count = toolkit.T(lang, "report.hidden")
			}
			if b.N >= MinShown && !b.Hidden {
				length = max(stubW, int(int64(barW)*b.N/top))
			} else {
				c = pale(c)
			}
			x := pad + labelW
			draw.Draw(img, image.Rect(x, y+4, x+length, y+rowH-4), &image.Uniform{c}, image.Point{}, draw.Src)
			drawText(img, text, x+length+6, y+16, count, ink)
			y += rowH
		}
		y += groupGap
	}
	drawText(img, small, pad, y+12, fit(small, toolkit.T(lang, "chart.footnote"), width-2*pad), grey)
	return png.Encode(w, img)
}

// pale mixes c half with white: the colour of a bar not drawn to scale.
func pale(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8((r>>8 + 255) / 2), uint8((g>>8 + 255) / 2), uint8((b>>8 + 255) / 2), 255}
}

func drawText(img *image.RGBA, f font.Face, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// fit shortens s until it is at most w pixels wide in f.
func fit(f font.Face, s string, w int) string {
	out := s
	for n := len([]rune(s)); n > 1 && font.MeasureString(f, out).Ceil() > w; n-- {
		out = Shorten(s, n-1)
	}
	return out
}
