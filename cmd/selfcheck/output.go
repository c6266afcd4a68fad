package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// outputFormat is the format a file's extension asks for (png, svg, pdf),
// one of allowed; any other extension is refused, so that "-o x.jpg" never
// writes a PNG under a name that says JPEG.
func outputFormat(file string, allowed ...string) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(file), "."))
	if slices.Contains(allowed, ext) {
		return ext, nil
	}
	want := "." + strings.Join(allowed, " or .")
	if ext == "" {
		return "", fmt.Errorf("%q has no extension: name the file %s", file, want)
	}
	return "", fmt.Errorf("cannot write a .%s file (%s): name the file %s", ext, file, want)
}

// writeWhole writes a file whole or not at all: into a temporary file
// beside it, renamed over it once written, so that a failure never leaves
// half a poster to be printed.
func writeWhole(name string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is none
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
