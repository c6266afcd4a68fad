package yamlcheck

import "gopkg.in/yaml.v3"

// Lookup follows a path of map keys and list indexes (string or int) from n
// and returns the node there, or nil. Lookup(n, "steps", "a", "choices", 0)
// is the first choice of step a. A key path ending in KeyOf returns the key
// node instead of the value, which is where "duplicate" or "unknown" errors
// should point.
//
// It reads each map on the path key by key: a loader that looks up every
// key of a large map should use an Index.
func Lookup(n *yaml.Node, path ...any) *yaml.Node { return lookup(n, path, nil) }

// Index is Lookup from one root in time that does not grow with the size of
// the maps on the path: looking up every flag of a flow with Lookup takes
// time that grows with the square of the number of flags. Each map gets its
// table of keys the first time a path goes through it.
type Index struct {
	root *yaml.Node
	keys map[*yaml.Node]map[string]int // map node -> key -> position of the key in Content
}

// NewIndex indexes the tree under root (nil gives an Index that finds
// nothing).
func NewIndex(root *yaml.Node) *Index {
	return &Index{root: root, keys: map[*yaml.Node]map[string]int{}}
}

// Root is the node paths start from.
func (x *Index) Root() *yaml.Node { return x.root }

// Lookup is Lookup(x.Root(), path...).
func (x *Index) Lookup(path ...any) *yaml.Node { return lookup(x.root, path, x) }

// small maps are read key by key: a table would cost more than it saves.
const small = 8

// key returns the position in m.Content of key k (the first when written
// twice), or -1.
func (x *Index) key(m *yaml.Node, k string) int {
	if x == nil || len(m.Content) <= 2*small {
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == k {
				return j
			}
		}
		return -1
	}
	t, ok := x.keys[m]
	if !ok {
		t = make(map[string]int, len(m.Content)/2)
		for j := 0; j+1 < len(m.Content); j += 2 {
			if _, dup := t[m.Content[j].Value]; !dup {
				t[m.Content[j].Value] = j
			}
		}
		x.keys[m] = t
	}
	if j, ok := t[k]; ok {
		return j
	}
	return -1
}

func lookup(n *yaml.Node, path []any, x *Index) *yaml.Node {
	for i, p := range path {
		if n == nil {
			return nil
		}
		if n.Kind == yaml.AliasNode { // not from Parse, which resolves them
			n = n.Alias
		}
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return nil
			}
			j := x.key(n, p)
			if j < 0 {
				return nil
			}
			if i+1 < len(path) && path[i+1] == KeyOf {
				return n.Content[j]
			}
			n = n.Content[j+1]
		case int:
			if n.Kind != yaml.SequenceNode || p < 0 || p >= len(n.Content) {
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
