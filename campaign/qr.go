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
	const margin, textH = 32, 40
	width := max(size+2*margin, len(link)*7+2*margin)
	img := image.NewRGBA(image.Rect(0, 0, width, size+2*margin+textH))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	left := (width - size) / 2
	draw.Draw(img, image.Rect(left, margin, left+size, margin+size), code, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: basicfont.Face7x13,
		Dot: fixed.P((width-len(link)*7)/2, margin+size+margin/2+13)}
	d.DrawString(link)
	return png.Encode(w, img)
}
