package locales_test

import (
	"testing"
	"testing/fstest"

	"github.com/selfcheck-id/selfcheck/locales"
)

func TestSetMessages(t *testing.T) {
	in := "# head\na: \"one\"\n\n# about b\nb: >-\n  two\n  lines\n# about c\nc: 'three'\n"
	got, err := locales.SetMessages([]byte(in), map[string]string{"b": "dua \"baris\"", "c": "tiga\n", "d": "empat"})
	if err != nil {
		t.Fatal(err)
	}
	want := "# head\na: \"one\"\n\n# about b\nb: \"dua \\\"baris\\\"\"\n# about c\nc: \"tiga\\n\"\nd: \"empat\"\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestHashes(t *testing.T) {
	h := map[string]string{"b": locales.SourceHash("two"), "a": locales.SourceHash("one")}
	if h["a"] == h["b"] || len(h["a"]) != 12 {
		t.Fatalf("hashes %v", h)
	}
	back, err := locales.ReadHashes(mapFS("x.hashes", locales.FormatHashes(h)), "x.hashes")
	if err != nil || len(back) != 2 || back["a"] != h["a"] || back["b"] != h["b"] {
		t.Errorf("read back %v, %v", back, err)
	}
	if none, err := locales.ReadHashes(mapFS("y", nil), "x.hashes"); err != nil || len(none) != 0 {
		t.Errorf("a missing file: %v, %v", none, err)
	}
}

func mapFS(name string, data []byte) fstest.MapFS {
	return fstest.MapFS{name: &fstest.MapFile{Data: data}}
}
