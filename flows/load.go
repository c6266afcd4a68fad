package flows

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
)

// Files are the shipped flows and contact directory, built into the binary
// so that it runs from anywhere.
//
//go:embed *.yaml
var Files embed.FS

// ContactsFile is the name of the contact directory among the flow files.
const ContactsFile = "contacts.yaml"

// ListenFile holds the rules for reading typed and pasted text (package
// listen), beside the flow they answer; it is not a flow.
const ListenFile = "listen.yaml"

// Set is everything loaded from one flows directory: the flows by id and the
// contact directory they share.
type Set struct {
	Flows    map[string]*Flow
	Contacts map[string]*Contact
	// Listen is the rules file for reading typed text (ListenFile), as
	// read; ListenFile is its path, "" when there is none.
	Listen     []byte
	ListenFile string

	// roots keep the YAML trees, indexed, so that validation can point at
	// lines.
	roots        map[*Flow]*yamlcheck.Index
	contactsRoot *yamlcheck.Index
	contactsFile string
}

// Load reads every *.yaml file of dir in fsys (contacts.yaml is the
// directory, the rest are flows). See LoadFiles.
func Load(fsys fs.FS, dir string) (*Set, yamlcheck.Problems) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return newSet(), yamlcheck.Problems{{File: dir, Msg: "cannot read: " + err.Error()}}
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			files = append(files, path.Join(dir, e.Name()))
		}
	}
	set, ps := LoadFiles(fsys, files)
	if len(set.Flows) == 0 && len(ps) == 0 {
		ps = append(ps, yamlcheck.Problem{File: dir, Msg: "no flow file (*.yaml) found"})
	}
	return set, ps
}

// LoadFiles reads the named files and reports every problem of shape:
// syntax, unknown keys, wrong kinds, duplicate ids. Cross-checks between
// steps, flags, contacts and messages come from Validate.
func LoadFiles(fsys fs.FS, files []string) (*Set, yamlcheck.Problems) {
	set := newSet()
	var ps yamlcheck.Problems
	for _, file := range files {
		data, p := yamlcheck.ReadFile(fsys, file)
		if p != nil {
			ps = append(ps, *p)
			continue
		}
		switch path.Base(file) {
		case ContactsFile:
			ps = append(ps, set.loadContacts(file, data)...)
		case ListenFile:
			// Read with the flow it answers, by package listen.
			set.ListenFile, set.Listen = file, data
		default:
			ps = append(ps, set.loadFlow(file, data)...)
		}
	}
	return set, ps
}

func newSet() *Set {
	return &Set{Flows: map[string]*Flow{}, Contacts: map[string]*Contact{}, roots: map[*Flow]*yamlcheck.Index{}}
}

func (s *Set) loadFlow(file string, data []byte) yamlcheck.Problems {
	root, ps := yamlcheck.Parse(file, data)
	if ps != nil {
		return ps
	}
	f := &Flow{File: file}
	if ps := yamlcheck.Decode(file, root, f); ps != nil {
		return ps
	}
	if f.ID == "" {
		ps.Add(file, root, "the flow has no id")
		return ps
	}
	if other, dup := s.Flows[f.ID]; dup {
		ps.Add(file, yamlcheck.Lookup(root, "id"), "flow id %q is also used by %s", f.ID, other.File)
		return ps
	}
	x := yamlcheck.NewIndex(root)
	annotate(f, x)
	s.Flows[f.ID] = f
	s.roots[f] = x
	return ps
}

// annotate fills the fields the YAML does not carry: ids from map keys,
// line numbers, and the order of steps in the file.
func annotate(f *Flow, x *yamlcheck.Index) {
	if steps := x.Lookup("steps"); steps != nil {
		for i := 0; i+1 < len(steps.Content); i += 2 {
			id := steps.Content[i].Value
			f.StepOrder = append(f.StepOrder, id)
			st := f.Steps[id]
			if st == nil { // "step: ~" decodes to nil; keep it checkable
				st = &Step{}
				f.Steps[id] = st
			}
			st.ID, st.Line = id, steps.Content[i].Line
			for j, c := range st.Choices {
				if c == nil {
					c = &Choice{}
					st.Choices[j] = c
				}
				c.Line = yamlcheck.Lookup(steps.Content[i+1], "choices", j).Line
			}
		}
	}
	for id, fl := range f.Flags {
		if fl == nil {
			fl = &Flag{}
			f.Flags[id] = fl
		}
		fl.ID, fl.Line = id, x.Lookup("flags", id, yamlcheck.KeyOf).Line
	}
	for i := range f.Bands {
		f.Bands[i].Line = x.Lookup("bands", i).Line
	}
	for i, a := range f.Advice {
		if a == nil { // "- ~" decodes to nil; keep it checkable
			a = &Advice{}
			f.Advice[i] = a
		}
		a.Line = x.Lookup("advice", i).Line
	}
}

func (s *Set) loadContacts(file string, data []byte) yamlcheck.Problems {
	root, ps := yamlcheck.Parse(file, data)
	if ps != nil {
		return ps
	}
	var dir struct {
		Contacts map[string]*Contact `yaml:"contacts"`
	}
	if ps := yamlcheck.Decode(file, root, &dir); ps != nil {
		return ps
	}
	x := yamlcheck.NewIndex(root)
	for id, c := range dir.Contacts {
		if c == nil {
			c = &Contact{}
		}
		c.ID, c.Line = id, x.Lookup("contacts", id, yamlcheck.KeyOf).Line
		s.Contacts[id] = c
	}
	s.contactsRoot, s.contactsFile = x, file
	return ps
}

// IDs returns the flow ids in order.
func (s *Set) IDs() []string {
	ids := make([]string, 0, len(s.Flows))
	for id := range s.Flows {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
