// Package yamlcheck turns YAML mistakes into problems a person can fix:
// each one has file:line:column and a plain sentence. The flow and locale
// loaders share it so that every file is checked the same way.
package yamlcheck

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

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
// as a problem with the line yaml.v3 names.
func Parse(file string, data []byte) (*yaml.Node, Problems) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Problems{fromYAMLError(file, err)}
	}
	if len(doc.Content) == 0 {
		return nil, Problems{{File: file, Msg: "the file is empty"}}
	}
	return doc.Content[0], nil
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

// Decode checks node against the shape of out (unknown keys, wrong kinds,
// repeated keys) and then decodes it. It reports every problem it finds, not
// just the first.
func Decode(file string, node *yaml.Node, out any) Problems {
	var ps Problems
	checkShape(file, node, reflect.TypeOf(out).Elem(), &ps)
	if len(ps) > 0 {
		return ps
	}
	if err := node.Decode(out); err != nil {
		if te, ok := err.(*yaml.TypeError); ok {
			for _, e := range te.Errors {
				ps = append(ps, fromYAMLError(file, fmt.Errorf("%s", e)))
			}
			return ps
		}
		ps = append(ps, fromYAMLError(file, err))
	}
	return ps
}

func checkShape(file string, n *yaml.Node, t reflect.Type, ps *Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			ps.Add(file, n, "expected a map of keys here, found %s", kindName(n))
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				ps.Add(file, k, "key %q appears twice", k.Value)
				continue
			}
			seen[k.Value] = true
			ft, ok := fields[k.Value]
			if !ok {
				ps.Add(file, k, "unknown key %q (known keys: %s)", k.Value, strings.Join(sortedKeys(fields), ", "))
				continue
			}
			checkShape(file, v, ft, ps)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return
			}
			ps.Add(file, n, "expected a map here, found %s", kindName(n))
			return
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if line, dup := seen[k.Value]; dup {
				ps.Add(file, k, "duplicate id %q (first at line %d)", k.Value, line)
				continue
			}
			seen[k.Value] = k.Line
			checkShape(file, v, t.Elem(), ps)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Tag == "!!null" {
				return
			}
			ps.Add(file, n, "expected a list here, found %s", kindName(n))
			return
		}
		for _, item := range n.Content {
			checkShape(file, item, t.Elem(), ps)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			ps.Add(file, n, "expected a single value here, found %s", kindName(n))
		}
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Lookup follows a path of map keys and list indexes (string or int) from n
// and returns the node there, or nil. Lookup(n, "steps", "a", "choices", 0)
// is the first choice of step a. A key path ending in KeyOf returns the key
// node instead of the value, which is where "duplicate" or "unknown" errors
// should point.
func Lookup(n *yaml.Node, path ...any) *yaml.Node {
	for i, p := range path {
		if n == nil {
			return nil
		}
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return nil
			}
			var next *yaml.Node
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == p {
					next = n.Content[j+1]
					if i+1 < len(path) && path[i+1] == KeyOf {
						return n.Content[j]
					}
					break
				}
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || p >= len(n.Content) {
				return nil
			}
			n = n.Content[p]
		case keyOf:
			return n
		}
	}
	return n
}

type keyOf struct{}

// KeyOf, as the last element of a Lookup path, selects the key node.
var KeyOf = keyOf{}
