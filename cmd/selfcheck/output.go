package main

import (
	"fmt"
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
