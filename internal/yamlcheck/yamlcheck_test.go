package yamlcheck

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"
)

// within fails the test when f takes longer than d. f keeps running: a
// test of a fix for something that never ended must still end. d is far
// above what f takes (milliseconds), so that a busy machine or -race does
// not fail it; what it catches took minutes or never ended.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

func parseDecode(t *testing.T, data string, out any) Problems {
	t.Helper()
	root, ps := Parse("f.yaml", []byte(data))
	if ps != nil {
		return ps
	}
	return Decode("f.yaml", root, out)
}

func wantProblem(t *testing.T, ps Problems, want string) {
	t.Helper()
	for _, p := range ps {
		if strings.Contains(p.String(), want) {
			return
		}
	}
	t.Errorf("no problem %q in %v", want, ps)
}

func TestParseRefusesLargeFile(t *testing.T) {
	data := []byte("a: " + strings.Repeat("x", MaxFile))
	_, ps := Parse("big.yaml", data)
	if len(ps) != 1 || !strings.Contains(ps[0].String(), "big.yaml: the file is 1048579 bytes; a content file may be at most 1048576 bytes (1 MiB)") {
		t.Errorf("got %v", ps)
	}
	if _, ps := Parse("ok.yaml", data[:MaxFile]); ps != nil {
		t.Errorf("a file of exactly MaxFile bytes: %v", ps)
	}
}

// countingFS counts the bytes read from it.
type countingFS struct {
	fstest.MapFS
	read *int
}

type countingFile struct {
	fs.File
	read *int
}

func (c countingFS) Open(name string) (fs.File, error) {
	f, err := c.MapFS.Open(name)
	return countingFile{f, c.read}, err
}

func (f countingFile) Read(b []byte) (int, error) {
	n, err := f.File.Read(b)
	*f.read += n
	return n, err
}

// TestReadFileStopsAtLimit: a 47 MB file is refused after reading just
// over MaxFile of it, and the problem says how big it is.
func TestReadFileStopsAtLimit(t *testing.T) {
	var read int
	fsys := countingFS{fstest.MapFS{"big.yaml": {Data: make([]byte, 47<<20)}, "ok.yaml": {Data: []byte("a: b")}}, &read}
	data, p := ReadFile(fsys, "big.yaml")
	if data != nil || p == nil || !strings.Contains(p.Msg, "the file is 49283072 bytes; a content file may be at most 1048576 bytes") {
		t.Errorf("got %d bytes, %v", len(data), p)
	}
	if read > MaxFile+512<<10 {
		t.Errorf("read %d bytes of a file it refuses", read)
	}
	if data, p := ReadFile(fsys, "ok.yaml"); string(data) != "a: b" || p != nil {
		t.Errorf("ok.yaml: %q, %v", data, p)
	}
	if _, p := ReadFile(fsys, "none.yaml"); p == nil || !strings.Contains(p.Msg, "cannot read") {
		t.Errorf("a missing file: %v", p)
	}
}

// tree nests like the lists of lists of a billion-laughs file.
type tree struct {
	K []tree `yaml:"k"`
}

// laughs is a file of a few hundred bytes whose aliases stand for 10^depth
// values: each level is a list of ten aliases to the level before.
func laughs(depth int) string {
	var b strings.Builder
	b.WriteString("k:\n  - &l0 {k: []}\n")
	for i := 1; i <= depth; i++ {
		fmt.Fprintf(&b, "  - &l%d {k: [%s]}\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	return b.String()
}

// TestAliasExpansionIsBounded: 600 bytes standing for 10^9 values are
// refused at once (checking them took longer than anyone waits), and a
// file that repeats a part a few times still reads.
func TestAliasExpansionIsBounded(t *testing.T) {
	data := laughs(9)
	if len(data) > 600 {
		t.Fatalf("the file is %d bytes", len(data))
	}
	within(t, 30*time.Second, func() {
		var out tree
		ps := parseDecode(t, data, &out)
		wantProblem(t, ps, "f.yaml:8:24: with its aliases (*name) written out, the file holds more than 1048576 values")
	})

	var out tree
	if ps := parseDecode(t, laughs(3), &out); ps != nil {
		t.Fatal(ps)
	}
	if n := len(out.K[3].K[9].K[9].K); n != 10 {
		t.Errorf("an alias read as %d values, want 10", n)
	}
}

// TestAliasLoop: an alias inside the value it names would repeat without
// end; it is refused where it is written.
func TestAliasLoop(t *testing.T) {
	within(t, 30*time.Second, func() {
		var out tree
		ps := parseDecode(t, "k:\n  - &x {k: [*x]}\n", &out)
		wantProblem(t, ps, "f.yaml:2:13: alias *x is inside the value it names")
	})
}

// TestParseResolvesAliases: no alias node is left for the loaders to trip
// on, and a path through an alias finds what it names.
func TestParseResolvesAliases(t *testing.T) {
	root, ps := Parse("f.yaml", []byte("a: &c [{id: x}]\nb: *c\n"))
	if ps != nil {
		t.Fatal(ps)
	}
	if n := Lookup(root, "b", 0, "id"); n == nil || n.Value != "x" || n.Line != 1 {
		t.Errorf("b's first id: %+v", n)
	}
}

// TestDecodeIsLinear: yaml.v3 compares every key of a map with every
// other; a 1 MiB file of short keys (about 100,000) took minutes.
func TestDecodeIsLinear(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < MaxFile-32; i++ {
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	within(t, 30*time.Second, func() {
		var out map[string]string
		if ps := parseDecode(t, b.String(), &out); ps != nil {
			t.Error(ps)
		}
		if len(out) < 100_000 {
			t.Errorf("%d keys", len(out))
		}
	})
}

type shape struct {
	Name  string            `yaml:"name"`
	N     int               `yaml:"n"`
	On    *bool             `yaml:"on"`
	F     float64           `yaml:"f"`
	List  []string          `yaml:"list"`
	Map   map[string][]int  `yaml:"map"`
	Subs  map[string]*shape `yaml:"subs"`
	Items []shape           `yaml:"items"`
	Deep  [][]string        `yaml:"deep"`
	Skip  string            `yaml:"-"`
}

func TestDecodeProblems(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"nmae: x", `f.yaml:1:1: unknown key "nmae" (known keys: deep, f, items, list, map, n, name, on, subs)`},
		{"name: x\nname: y", `f.yaml:2:1: key "name" appears twice`},
		{"subs: {a: {}, a: {}}", `f.yaml:1:15: duplicate id "a" (first at line 1)`},
		{"list: x", `f.yaml:1:7: expected a list here, found "x"`},
		{"map: [1]", `f.yaml:1:6: expected a map here, found a list`},
		{"name: [x]", `f.yaml:1:7: expected a single value here, found a list`},
		{"items: [x]", `f.yaml:1:9: expected a map of keys here, found "x"`},
		{"subs: {a: ~}", `f.yaml:1:11: expected a map of keys here, found "~"`},
		{"n: many", "f.yaml:1:1: cannot unmarshal !!str `many` into int"},
		{"map: {a: [1, x]}", "f.yaml:1:1: cannot unmarshal !!str `x` into int"},
		{"map: {<<: {a: [1]}}", `f.yaml:1:7: merge keys (<<) are not supported`},
		{"-", `f.yaml:1:1: expected a map of keys here, found a list`},
	} {
		var out shape
		wantProblem(t, parseDecode(t, c.yaml, &out), c.want)
	}
}

// TestDecodeKeepsUnnamedFields: fields the YAML does not name keep their
// values, as with yaml.v3 (the loaders set some before decoding).
func TestDecodeKeepsUnnamedFields(t *testing.T) {
	out := shape{Skip: "kept", Name: "old"}
	if ps := parseDecode(t, "n: 3", &out); ps != nil || out.Skip != "kept" || out.Name != "old" || out.N != 3 {
		t.Errorf("%+v %v", out, ps)
	}
}

// FuzzDecode: whatever the file, Decode answers with problems or with what
// yaml.v3 would have decoded (Decode is stricter: unknown keys, merge keys
// and nulls for a struct are problems).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"name: x\nn: 3\non: true\nf: 1.5\nlist: [a, b]\nmap: {a: [1, 2]}\nsubs: {a: {name: y, items: [{n: 1}]}}\ndeep: [[a], []]",
		"list: &l [a, 1, true, ~, '', 0x1F]\ndeep: [*l, *l]\nsubs: {a: &s {list: *l}, b: *s}",
		"name: !!binary aGVsbG8=\nn: 0o17\nf: .inf\non: ~\nmap: ~\nlist: ~",
		"name: 12\non: yes\nn: 1_000\nsubs: {~: {}, '': {}}",
		"map: {a: *x}", "items: [&a {n: 1}, *a]", "name: &n x\nlist: [*n]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got shape
		root, ps := Parse("f.yaml", data)
		if ps == nil {
			ps = Decode("f.yaml", root, &got)
		}
		if ps != nil {
			for _, p := range ps {
				if p.File != "f.yaml" || p.Msg == "" {
					t.Fatalf("problem without a file or a message: %#v", p)
				}
			}
			return
		}
		var want shape
		if err := yaml.Unmarshal(data, &want); err != nil {
			t.Fatalf("Decode accepted what yaml.v3 refuses (%v): %+v", err, got)
		}
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w && !sameShape(got, want) {
			t.Fatalf("Decode read\n%s\nyaml.v3 read\n%s", g, w)
		}
	})
}

// sameShape compares decoded values deeply (the pointers of Subs and On
// differ between the two decodings).
func sameShape(a, b shape) bool {
	if a.Name != b.Name || a.N != b.N || (a.On == nil) != (b.On == nil) || (a.On != nil && *a.On != *b.On) ||
		!(a.F == b.F || a.F != a.F && b.F != b.F) ||
		fmt.Sprint(a.List) != fmt.Sprint(b.List) || (a.List == nil) != (b.List == nil) ||
		fmt.Sprint(a.Map) != fmt.Sprint(b.Map) || (a.Map == nil) != (b.Map == nil) ||
		fmt.Sprint(a.Deep) != fmt.Sprint(b.Deep) || (a.Deep == nil) != (b.Deep == nil) ||
		len(a.Subs) != len(b.Subs) || (a.Subs == nil) != (b.Subs == nil) ||
		len(a.Items) != len(b.Items) || (a.Items == nil) != (b.Items == nil) {
		return false
	}
	for k, v := range a.Subs {
		w, ok := b.Subs[k]
		if !ok || (v == nil) != (w == nil) || (v != nil && !sameShape(*v, *w)) {
			return false
		}
	}
	for i := range a.Items {
		if !sameShape(a.Items[i], b.Items[i]) {
			return false
		}
	}
	return true
}

// TestIndexLookup: Index finds what Lookup finds, in small and large
// maps, keys written twice included (the first wins).
func TestIndexLookup(t *testing.T) {
	var b strings.Builder
	b.WriteString("small: {a: 1, b: 2, a: 3}\nbig:\n")
	for i := range 50 {
		fmt.Fprintf(&b, "  k%d: {v: [%d]}\n", i, i)
	}
	b.WriteString("  k7: {v: [dup]}\n")
	var root yaml.Node // not through Parse: duplicates are Decode's to report
	if err := yaml.Unmarshal([]byte(b.String()), &root); err != nil {
		t.Fatal(err)
	}
	x := NewIndex(root.Content[0])
	paths := [][]any{{"small", "a"}, {"small", "b"}, {"small", "c"}, {"small", "a", KeyOf}, {"big", "k7", "v", 0},
		{"big", "k49", KeyOf}, {"big", "nope"}, {"big", "k3", "v", 1}, {"big", "k3", "v", -1}, {"big", 0}, {}}
	for _, p := range paths {
		want, got := Lookup(root.Content[0], p...), x.Lookup(p...)
		if got != want {
			t.Errorf("%v: Index found %+v, Lookup %+v", p, got, want)
		}
	}
	if n := x.Lookup("big", "k7", "v", 0); n == nil || n.Value != "7" {
		t.Errorf("k7: %+v", n)
	}
	if NewIndex(nil).Lookup("a") != nil {
		t.Error("an empty index found something")
	}
}

// TestParseBadCharacters: yaml.v3 names no line for a control character
// or bytes that are not UTF-8; the problem still says where it is.
func TestParseBadCharacters(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"a: b\nc: \x7f\n", "f.yaml:2:4: control characters are not allowed"},
		{"a: b\nc: d\x01", "f.yaml:2:5: control characters are not allowed"},
		{"a: é\n\xff: b", "f.yaml:2:1: "},
	} {
		_, ps := Parse("f.yaml", []byte(c.data))
		if len(ps) != 1 || !strings.HasPrefix(ps[0].String(), c.want) {
			t.Errorf("%q: %v, want %s", c.data, ps, c.want)
		}
	}
}
