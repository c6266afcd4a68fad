package main

import (
	"image"
	"image/png"
	"os"

	xdraw "golang.org/x/image/draw"
)

// scaleTo writes the PNG in as a PNG width pixels wide, as a phone's photo
// of it would be.
func scaleTo(in, out string, width int) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return err
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, width, b.Dy()*width/b.Dx()))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(o, dst); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}
