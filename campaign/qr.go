package campaign

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"

	"github.com/boombuler/barcode/qr"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// QuietZone is the white margin around a QR code, in modules: the
// standard (ISO/IEC 18004) asks for 4. Less makes a code printed on a
// busy background or beside other print hard for phones to find.
const QuietZone = 4

// Modules is a QR code as its grid of modules, quiet zone not included.
type Modules struct {
	N    int // modules per side
	dark []bool
}

// Dark reports whether the module at column x, row y is dark.
func (m *Modules) Dark(x, y int) bool { return m.dark[y*m.N+x] }

// Encode makes the QR code of link at error correction level M, which
// survives a crease or a smudge on a poster.
func Encode(link string) (*Modules, error) {
	code, err := qr.Encode(link, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	n := code.Bounds().Dx()
	m := &Modules{N: n, dark: make([]bool, n*n)}
	for y := range n {
		for x := range n {
			r, _, _, _ := code.At(x, y).RGBA()
			m.dark[y*n+x] = r < 0x8000
		}
	}
	return m, nil
}

// Image draws the code with its quiet zone at a whole number of pixels per
// module (blurred module edges confuse scanners), as close to size pixels
// as that allows without going over, and at least one pixel per module.
func (m *Modules) Image(size int) *image.Gray {
	side := m.N + 2*QuietZone
	px := max(1, size/side)
	img := image.NewGray(image.Rect(0, 0, side*px, side*px))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for y := range m.N {
		for x := range m.N {
			if m.Dark(x, y) {
				r := image.Rect((x+QuietZone)*px, (y+QuietZone)*px, (x+QuietZone+1)*px, (y+QuietZone+1)*px)
				draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
			}
		}
	}
	return img
}

// SVG writes the code with its quiet zone as an SVG drawing, one unit per
// module, for designers who put it on their own material at any size.
func (m *Modules) SVG(w io.Writer, title string) error {
	side := m.N + 2*QuietZone
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%dmm" height="%dmm" shape-rendering="crispEdges">`+"\n", side, side, side*2, side*2)
	fmt.Fprintf(&b, "<title>%s</title>\n", xmlEscape(title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", side, side)
	b.WriteString(`<path fill="#000" d="`)
	for y := range m.N {
		for x := 0; x < m.N; x++ {
			if !m.Dark(x, y) {
				continue
			}
			run := 1
			for x+run < m.N && m.Dark(x+run, y) {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+QuietZone, y+QuietZone, run, run)
			x += run - 1
		}
	}
	b.WriteString("\"/>\n</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// QRSVG writes the QR code of link as SVG.
func QRSVG(w io.Writer, link string) error {
	m, err := Encode(link)
	if err != nil {
		return err
	}
	return m.SVG(w, link)
}

// QR writes a printable PNG: the QR code of link with its quiet zone of
// QuietZone modules, about size pixels wide, and the link written under
// it for people who cannot scan.
func QR(w io.Writer, link string, size int) error {
	m, err := Encode(link)
	if err != nil {
		return err
	}
	code := m.Image(size)
	// The link is drawn in a 7x13 pixel font and enlarged, so that it can
	// be read on a printed sheet and copied by hand.
	const scale = 2
	label := image.NewRGBA(image.Rect(0, 0, len(link)*7, 16))
	draw.Draw(label, label.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: label, Src: image.NewUniform(color.Black), Face: basicfont.Face7x13, Dot: fixed.P(0, 12)}
	d.DrawString(link)
	size = code.Bounds().Dx()
	textW, textH := label.Bounds().Dx()*scale, label.Bounds().Dy()*scale
	margin := 16
	width := max(size, textW+2*margin)
	img := image.NewRGBA(image.Rect(0, 0, width, size+textH+margin))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	left := (width - size) / 2
	draw.Draw(img, image.Rect(left, 0, left+size, size), code, image.Point{}, draw.Src)
	top, x0 := size, (width-textW)/2
	for y := range textH {
		for x := range textW {
			img.Set(x0+x, top+y, label.At(x/scale, y/scale))
		}
	}
	return png.Encode(w, img)
}
