package stats

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string
	N     int64
}

var (
	white = color.RGBA{255, 255, 255, 255}
	ink   = color.RGBA{33, 33, 33, 255}
	blue  = color.RGBA{52, 101, 164, 255}
	// Band colours read lower to higher risk.
	bandColours = map[string]color.RGBA{
		"lower": {115, 170, 80, 255}, "medium": {237, 170, 50, 255}, "high": {204, 60, 50, 255},
	}
)

// Funnel returns the bars of a campaign's funnel: started, each question
// reached in flow order, completed.
func Funnel(t *Totals, steps []string) []Bar {
	bars := []Bar{{"started", t.Started}}
	for _, s := range orderSteps(t, steps) {
		bars = append(bars, Bar{s, t.Reached[s]})
	}
	return append(bars, Bar{"completed (verdict or help)", t.Completed})
}

// Chart draws two titled horizontal bar charts as a PNG: the funnel and the
// verdict bands. Counts below MinShown are drawn as no bar and read "<5".
func Chart(w io.Writer, title string, funnel []Bar, bands []Bar) error {
	const (
		rowH, labelW, barW, pad = 22, 260, 420, 16
		width                   = pad + labelW + barW + 80
	)
	height := pad*4 + rowH*(len(funnel)+len(bands)+4)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), &image.Uniform{white}, image.Point{}, draw.Src)
	y := pad
	text(img, pad, y+13, title, ink)
	y += rowH * 2
	y = bars(img, y, funnel, labelW, barW, rowH, pad, nil)
	y += rowH
	text(img, pad, y+13, "Verdict bands", ink)
	y += rowH
	bars(img, y, bands, labelW, barW, rowH, pad, bandColours)
	return png.Encode(w, img)
}

func bars(img *image.RGBA, y int, bs []Bar, labelW, barW, rowH, pad int, colours map[string]color.RGBA) int {
	var top int64 = 1
	for _, b := range bs {
		top = max(top, b.N)
	}
	for _, b := range bs {
		text(img, pad, y+15, truncateLabel(b.Label, labelW/7), ink)
		n := b.N
		if n < MinShown {
			n = 0 // small counts are hidden, not drawn
		}
		length := int(int64(barW) * n / top)
		c, ok := colours[b.Label]
		if !ok {
			c = blue
		}
		draw.Draw(img, image.Rect(pad+labelW, y+4, pad+labelW+length, y+rowH-4), &image.Uniform{c}, image.Point{}, draw.Src)
		text(img, pad+labelW+length+6, y+15, Count(b.N), ink)
		y += rowH
	}
	return y
}

func text(img *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func truncateLabel(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
