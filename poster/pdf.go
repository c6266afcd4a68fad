package poster

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/png"
	"io"
)

// PNG writes the poster as a PNG image (A4 at DPI).
func (p *Poster) PNG(w io.Writer) error {
	img, err := p.Image()
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

// PDF writes the poster as a one-page A4 PDF holding the image: what a
// print shop or an office printer takes as it is, at the page's size.
func (p *Poster) PDF(w io.Writer) error {
	img, err := p.Image()
	if err != nil {
		return err
	}
	return writePDF(w, img)
}

// writePDF writes img as the whole of an A4 page. A PDF is a list of
// numbered objects and a table of their byte offsets; the image is one
// object, compressed RGB (FlateDecode).
func writePDF(w io.Writer, img *image.RGBA) error {
	b := img.Bounds()
	var raw bytes.Buffer
	zw := zlib.NewWriter(&raw)
	row := make([]byte, 0, 3*b.Dx())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row = row[:0]
		for x := b.Min.X; x < b.Max.X; x++ {
			i := img.PixOffset(x, y)
			row = append(row, img.Pix[i], img.Pix[i+1], img.Pix[i+2])
		}
		if _, err := zw.Write(row); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	const pageW, pageH = 595.28, 841.89 // A4 in points
	content := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n", pageW, pageH)
	var out bytes.Buffer
	var offsets []int
	obj := func(body string, stream []byte) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s", len(offsets), body)
		if stream != nil {
			out.WriteString("\nstream\n")
			out.Write(stream)
			out.WriteString("\nendstream")
		}
		out.WriteString("\nendobj\n")
	}
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>", pageW, pageH), nil)
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>",
		b.Dx(), b.Dy(), raw.Len()), raw.Bytes())
	obj(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	_, err := w.Write(out.Bytes())
	return err
}
