package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/locales"
)

// translateDir copies the shipped message files and hashes to a temporary
// locales directory.
func translateDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "locales")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"en.yaml", "id.yaml", "id.hashes"} {
		data, err := os.ReadFile(filepath.Join("../../locales", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func translate(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(context.Background(), append([]string{"translate"}, args...), nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

func replaceIn(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTranslateRoundTrip: the shipped translation is up to date; a changed
// English message makes its translation stale (validate lists it); export
// --todo gives it with the English beside it; import writes the new
// translation on its own line, leaves the rest of the file as it was, and
// the translation is no longer stale.
func TestTranslateRoundTrip(t *testing.T) {
	dir := translateDir(t)
	if code, out, errOut := translate(t, "status", "--locales", dir); code != 0 || !strings.Contains(out, "id: 0 missing, 0 stale") {
		t.Fatalf("shipped translation: status %d, %s%s", code, out, errOut)
	}
	replaceIn(t, filepath.Join(dir, "en.yaml"), `ui.btn_back: "`, `ui.btn_back: "Go back`)
	var out strings.Builder
	if code := run(context.Background(), []string{"validate", dir}, nil, &out, &out); code != 0 || !strings.Contains(out.String(), "ui.btn_back: stale") {
		t.Fatalf("validate after the English changed: status %d:\n%s", code, out.String())
	}
	csvFile := filepath.Join(t.TempDir(), "id.csv")
	if code, _, errOut := translate(t, "export", "--lang", "id", "--todo", "-o", csvFile, "--locales", dir); code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	rows := readCSV(t, csvFile)
	if len(rows) != 2 || rows[1][0] != "ui.btn_back" || !strings.HasPrefix(rows[1][1], "Go back") || rows[1][3] != "stale" || rows[1][4] == "" {
		t.Fatalf("export --todo: %q", rows)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "id.yaml"))
	rows[1][2] = "⬅️ Kembali \"dulu\""
	writeCSV(t, csvFile, rows)
	if code, out, errOut := translate(t, "import", "--lang", "id", "--locales", dir, csvFile); code != 0 {
		t.Fatalf("import: %d %s%s", code, out, errOut)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "id.yaml"))
	bl, al := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	changed := 0
	for i := range min(len(bl), len(al)) {
		if bl[i] != al[i] {
			changed++
			if al[i] != `ui.btn_back: "⬅️ Kembali \"dulu\""` {
				t.Errorf("import wrote %q", al[i])
			}
		}
	}
	if len(bl) != len(al) || changed != 1 {
		t.Errorf("import changed %d lines and %d → %d lines; want the one message's line", changed, len(bl), len(al))
	}
	c, ps := locales.Load(os.DirFS(dir), ".")
	if len(ps) > 0 || c.Raw("id", "ui.btn_back") != "⬅️ Kembali \"dulu\"" {
		t.Errorf("after import: %v, %q", ps, c.Raw("id", "ui.btn_back"))
	}
	if code, out, _ := translate(t, "status", "--locales", dir); code != 0 || !strings.Contains(out, "id: 0 missing, 0 stale") {
		t.Errorf("after import: %s", out)
	}
}

// TestTranslateImportRefuses: a translation that would not load, an
// unknown message or a sheet without its columns writes nothing.
func TestTranslateImportRefuses(t *testing.T) {
	dir := translateDir(t)
	csvFile := filepath.Join(t.TempDir(), "id.csv")
	if code, _, errOut := translate(t, "export", "--lang", "id", "-o", csvFile, "--locales", dir); code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	full := readCSV(t, csvFile)
	if len(full) < 300 {
		t.Fatalf("export wrote %d rows", len(full))
	}
	idYAML, _ := os.ReadFile(filepath.Join(dir, "id.yaml"))
	hashes, _ := os.ReadFile(filepath.Join(dir, "id.hashes"))
	for name, tc := range map[string]struct {
		rows [][]string
		want string
	}{
		"a field the bot does not give": {[][]string{full[0], {"ui.btn_back", "", "Kembali {{.Nope}}", "", "abc"}}, "Nope"},
		"an unknown message":            {[][]string{full[0], {"ui.nope", "", "Apa", "", "abc"}}, `no English message "ui.nope"`},
		"no source_hash column":         {[][]string{{"id", "translation"}, {"ui.btn_back", "Kembali"}}, `no "source_hash" column`},
	} {
		writeCSV(t, csvFile, tc.rows)
		code, _, errOut := translate(t, "import", "--lang", "id", "--locales", dir, csvFile)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: status %d, %q; want 1 and %q", name, code, errOut, tc.want)
		}
		nowYAML, _ := os.ReadFile(filepath.Join(dir, "id.yaml"))
		nowHashes, _ := os.ReadFile(filepath.Join(dir, "id.hashes"))
		if string(nowYAML) != string(idYAML) || string(nowHashes) != string(hashes) {
			t.Errorf("%s: the files were written", name)
		}
	}
	for _, args := range [][]string{{"export", "--lang", "en"}, {"export"}, {"import", "--lang", "id"}, {"nope"}} {
		if code, _, _ := translate(t, append(args, "--locales", dir)...); code != 2 {
			t.Errorf("%v: status %d, want 2", args, code)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func writeCSV(t *testing.T, path string, rows [][]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
