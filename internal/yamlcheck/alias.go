package yamlcheck

import "gopkg.in/yaml.v3"

// resolveAliases replaces every alias (*name) in the tree under root by the
// node it names, so that the decoder, Lookup and the loaders' own walks
// never meet one (a loader that did not expect an alias used to crash on
// it). The tree becomes a graph that shares those nodes.
//
// A few lines of aliases can stand for billions of values, each alias
// naming a list of aliases to the one before ("billion laughs"); any walk
// of such a graph would never end. So it counts the values the file holds
// with every alias written out, once per node (the count of a named node is
// kept), and refuses a file that holds more than MaxValues, or an alias
// inside the value it names, which would never end either.
func resolveAliases(file string, root *yaml.Node) Problems {
	r := aliasResolver{file: file, sizes: map[*yaml.Node]int{}, open: map[*yaml.Node]bool{}}
	r.size(root)
	return r.ps
}

type aliasResolver struct {
	file  string
	sizes map[*yaml.Node]int  // values under a named node (&name), counted once
	open  map[*yaml.Node]bool // named nodes being counted: an alias to one is a loop
	total int                 // values counted so far, each alias written out
	ps    Problems
}

// size counts the values under n and replaces the aliases among its
// children. It stops at the first problem: the rest is not worth counting.
func (r *aliasResolver) size(n *yaml.Node) int {
	if n.Anchor != "" {
		if s, ok := r.sizes[n]; ok {
			return s
		}
		r.open[n] = true
		defer delete(r.open, n)
	}
	s := 1
	r.total++
	for i, c := range n.Content {
		if r.ps != nil {
			return s
		}
		if c.Kind == yaml.AliasNode {
			switch {
			case c.Alias == nil:
				r.ps.Add(r.file, c, "alias *%s names nothing", c.Value)
				return s
			case r.open[c.Alias]:
				r.ps.Add(r.file, c, "alias *%s is inside the value it names, which would repeat without end", c.Value)
				return s
			}
			n.Content[i] = c.Alias
			cs := r.size(c.Alias)
			// The named node was counted where it is written; each alias
			// adds its values again.
			r.total += cs
			s += cs
			if r.total > MaxValues {
				r.ps.Add(r.file, c, "with its aliases (*name) written out, the file holds more than %d values, the most a content file may hold: write the repeated parts out or use fewer aliases", MaxValues)
			}
			continue
		}
		s += r.size(c)
		if r.total > MaxValues && r.ps == nil {
			r.ps.Add(r.file, c, "the file holds more than %d values, the most a content file may hold", MaxValues)
		}
	}
	if n.Anchor != "" {
		r.sizes[n] = s
	}
	return s
}
