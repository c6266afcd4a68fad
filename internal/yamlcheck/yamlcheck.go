// Package yamlcheck turns YAML mistakes into problems a person can fix:
// each one has file:line:column and a plain sentence. The flow and locale
// loaders share it so that every file is checked the same way.
package yamlcheck

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Problem is one mistake in one file.
type Problem struct {
	File      string
	Line, Col int
	Msg       string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Msg)
}

// Problems collects problems; its methods keep call sites short.
type Problems []Problem

// Add records a problem at node n (which may be nil: then the file only).
func (ps *Problems) Add(file string, n *yaml.Node, format string, args ...any) {
	p := Problem{File: file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Col = n.Line, n.Column
	}
	*ps = append(*ps, p)
}

// Sort orders problems by file and position, so output is stable.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Parse reads a YAML document into its node tree. A syntax error comes back
// as a problem with the line yaml.v3 names. A file over MaxFile is refused
// unread, and aliases are resolved (see resolveAliases): the tree Parse
// returns holds no alias node and at most MaxValues values, so whatever
// walks it is bounded by the file's size.
func Parse(file string, data []byte) (*yaml.Node, Problems) {
	if len(data) > MaxFile {
		return nil, Problems{tooLarge(file, int64(len(data)))}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := fromYAMLError(file, err)
		if p.Line == 0 {
			p.Line, p.Col = badChar(data)
		}
		return nil, Problems{p}
	}
	if len(doc.Content) == 0 {
		return nil, Problems{{File: file, Msg: "the file is empty"}}
	}
	root := doc.Content[0]
	if ps := resolveAliases(file, root); ps != nil {
		return nil, ps
	}
	return root, nil
}

var lineRe = regexp.MustCompile(`line (\d+):?\s*`)

func fromYAMLError(file string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{File: file, Msg: msg}
	if m := lineRe.FindStringSubmatchIndex(msg); m != nil {
		p.Line, _ = strconv.Atoi(msg[m[2]:m[3]])
		p.Col = 1
		p.Msg = strings.TrimSpace(msg[:m[0]] + msg[m[1]:])
	}
	return p
}

// badChar finds the first character YAML does not allow (a control
// character or bytes that are not UTF-8), whose errors yaml.v3 reports
// without a line; 0, 0 when there is none.
func badChar(data []byte) (line, col int) {
	line, col = 1, 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		bad := r == utf8.RuneError && size <= 1 ||
			r < 0x20 && r != '\t' && r != '\n' && r != '\r' ||
			r >= 0x7f && r <= 0x9f && r != 0x85 || r == 0xfffe || r == 0xffff
		if bad {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		data = data[size:]
	}
	return 0, 0
}
