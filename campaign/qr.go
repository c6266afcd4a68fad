package campaign

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// QR writes a printable PNG: the QR code of link (error correction level
// M, which survives a crease or a smudge on a poster) with a quiet zone,
// and the link written under it for people who cannot scan.
func QR(w io.Writer, link string, size int) error {
	code, err := qr.Encode(link, qr.M, qr.Auto)
	if err != nil {
		return err
	}
	code, err = barcode.Scale(code, size, size)
	if err != nil {
		return err
	}
	// The link is drawn in a 7x13 pixel font and enlarged, so that it can
	// be read on a printed poster and copied by hand.
	const margin = 32
	const scale = 2
	label := image.NewRGBA(image.Rect(0, 0, len(link)*7, 16))
	draw.Draw(label, label.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: label, Src: image.NewUniform(color.Black), Face: basicfont.Face7x13, Dot: fixed.P(0, 12)}
	d.DrawString(link)
	textW, textH := label.Bounds().Dx()*scale, label.Bounds().Dy()*scale
	width := max(size+2*margin, textW+2*margin)
	img := image.NewRGBA(image.Rect(0, 0, width, size+2*margin+textH+margin/2))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	left := (width - size) / 2
	draw.Draw(img, image.Rect(left, margin, left+size, margin+size), code, image.Point{}, draw.Src)
	top, x0 := margin+size+margin/2, (width-textW)/2
	for y := range textH {
		for x := range textW {
			img.Set(x0+x, top+y, label.At(x/scale, y/scale))
		}
	}
	return png.Encode(w, img)
}
