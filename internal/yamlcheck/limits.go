package yamlcheck

import (
	"fmt"
	"io"
	"io/fs"
)

// The limits on a content file. They are far above what the shipped files
// need (the largest, flows/offer-check.yaml, is under 100 KB) and low
// enough that checking any file allowed takes well under a second and
// little memory: `selfcheck validate` and a reload on SIGHUP read files
// that anyone with access to the content may have written.
const (
	// MaxFile is the largest file read, in bytes: 1 MiB.
	MaxFile = 1 << 20
	// MaxValues is how many values (keys, list items, single values) a
	// file may hold once its aliases (*name) are written out: about what
	// a file of MaxFile bytes can hold without them. It stops a few lines
	// of aliases from standing for billions of values ("billion laughs").
	MaxValues = 1 << 20
)

func tooLarge(file string, size int64) Problem {
	return Problem{File: file, Msg: fmt.Sprintf("the file is %d bytes; a content file may be at most %d bytes (1 MiB): split it or remove what is not needed", size, MaxFile)}
}

// ReadFile reads a content file, refusing one over MaxFile without reading
// more of it than that.
func ReadFile(fsys fs.FS, file string) ([]byte, *Problem) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, &Problem{File: file, Msg: "cannot read: " + err.Error()}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, &Problem{File: file, Msg: "cannot read: " + err.Error()}
	}
	if len(data) > MaxFile {
		size := int64(len(data))
		if st, err := f.Stat(); err == nil && st.Size() > size {
			size = st.Size()
		}
		p := tooLarge(file, size)
		return nil, &p
	}
	return data, nil
}
