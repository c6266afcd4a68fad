package yamlcheck

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Decode checks node against the shape of out (unknown keys, wrong kinds,
// repeated keys) and decodes it, in one walk whose time grows with the
// number of values. It reports every problem it finds, not just the first.
// Like yaml.v3, it fills out in place (fields the YAML does not name keep
// their values) and may leave it half filled when there are problems.
//
// It walks maps, lists and structs itself and leaves single values to
// yaml.v3, so numbers and booleans read as yaml.v3 reads them. yaml.v3's own
// Node.Decode compares every key of a map with every other one: a map of
// 50,000 keys, or a large one named by many aliases, took minutes.
func Decode(file string, node *yaml.Node, out any) Problems {
	d := decoder{file: file, fields: map[reflect.Type]map[string]int{}}
	d.value(node, reflect.ValueOf(out).Elem())
	return d.ps
}

type decoder struct {
	file   string
	fields map[reflect.Type]map[string]int // struct type -> yaml key -> field index
	ps     Problems
}

func (d *decoder) value(n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.AliasNode { // not from Parse, which resolves them
		n = n.Alias
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		// "key: ~" leaves a pointer nil, except to a struct: a step or a
		// flag must be written out.
		if isNull(n) && t.Elem().Kind() != reflect.Struct {
			return
		}
		p := reflect.New(t.Elem())
		d.value(n, p.Elem())
		v.Set(p)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		d.structure(n, v)
	case reflect.Map:
		d.mapping(n, v)
	case reflect.Slice:
		d.list(n, v)
	default:
		d.single(n, v)
	}
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.ps.Add(d.file, n, "expected a map of keys here, found %s", kindName(n))
		return
	}
	fields := d.fieldsOf(v.Type())
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			d.ps.Add(d.file, k, "key %q appears twice", k.Value)
			continue
		}
		seen[k.Value] = true
		f, ok := fields[k.Value]
		if !ok {
			d.ps.Add(d.file, k, "unknown key %q (known keys: %s)", k.Value, strings.Join(sortedKeys(fields), ", "))
			continue
		}
		d.value(val, v.Field(f))
	}
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		if !isNull(n) {
			d.ps.Add(d.file, n, "expected a map here, found %s", kindName(n))
		}
		return
	}
	t := v.Type()
	m := reflect.MakeMapWithSize(t, len(n.Content)/2)
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			// yaml.v3 would merge the named map in; say so rather than
			// read "<<" as an id.
			d.ps.Add(d.file, k, "merge keys (<<) are not supported: write the keys out")
			continue
		}
		if isNull(k) || k.Kind != yaml.ScalarNode {
			d.ps.Add(d.file, k, "expected a key here (a word or an id), found %s", kindName(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.ps.Add(d.file, k, "duplicate id %q (first at line %d)", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		key := reflect.New(t.Key()).Elem()
		d.value(k, key)
		elem := reflect.New(t.Elem()).Elem()
		d.value(val, elem)
		m.SetMapIndex(key, elem)
	}
	v.Set(m)
}

func (d *decoder) list(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		if !isNull(n) {
			d.ps.Add(d.file, n, "expected a list here, found %s", kindName(n))
		}
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	j := 0
	for _, item := range n.Content {
		if isNull(item) && dropsNull(v.Type().Elem()) {
			continue // as yaml.v3 does: "[a, ~]" reads as [a]
		}
		d.value(item, s.Index(j))
		j++
	}
	v.Set(s.Slice(0, j))
}

// single decodes one value. Text, nearly every value of the content
// files, is set directly; the rest goes to yaml.v3, which reads numbers,
// booleans and tags its own way and names the line of a mistake.
func (d *decoder) single(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode {
		d.ps.Add(d.file, n, "expected a single value here, found %s", kindName(n))
		return
	}
	if v.Kind() == reflect.String && n.Tag != "!!binary" {
		if !isNull(n) {
			v.SetString(n.Value)
		}
		return
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		if te, ok := err.(*yaml.TypeError); ok {
			for _, e := range te.Errors {
				d.ps = append(d.ps, fromYAMLError(d.file, fmt.Errorf("%s", e)))
			}
			return
		}
		d.ps = append(d.ps, fromYAMLError(d.file, err))
	}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// dropsNull reports whether a list of t leaves out its null items, as
// yaml.v3 does for single values; a null struct is a problem instead.
func dropsNull(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Struct:
		return false
	}
	return true
}

func (d *decoder) fieldsOf(t reflect.Type) map[string]int {
	if m, ok := d.fields[t]; ok {
		return m
	}
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = i
	}
	d.fields[t] = m
	return m
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

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
