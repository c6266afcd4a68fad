package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/locales"
)

const translateUsage = `Usage:
  selfcheck translate export --lang LANG [--todo] [-o FILE.csv] [--locales DIR]
  selfcheck translate import --lang LANG [--locales DIR] FILE.csv
  selfcheck translate status [--locales DIR]
  selfcheck translate stamp --lang LANG [--locales DIR]

A translator's round trip (docs/translating.md): export writes a spreadsheet
(CSV) with the English beside each message, its current translation and its
status (missing, stale); import writes the translations back into
LOCALES_DIR/LANG.yaml, checked first, and records which English each was made
from. A translation is stale when its English has changed since. stamp
records the current English for every translation as it is (after a
developer changed both files by hand).
`

// csvHeader is the spreadsheet's columns; import finds them by name.
var csvHeader = []string{"id", "english", "translation", "status", "source_hash"}

func cmdTranslate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, translateUsage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, translateUsage)
		return 0
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "export", "import", "status", "stamp":
	default:
		fmt.Fprintf(stderr, "translate: unknown step %q\n\n%s", sub, translateUsage)
		return 2
	}
	fs := flag.NewFlagSet("translate "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), translateUsage+"\nFlags:\n"); fs.PrintDefaults() }
	lang := fs.String("lang", "", "the language of the translation, e.g. id")
	dir := fs.String("locales", "locales", "the directory of the message files")
	out := fs.String("o", "", "export: the CSV file to write (default: standard output)")
	todo := fs.Bool("todo", false, "export: only the missing and stale messages")
	words := 0
	if sub == "import" {
		words = 1
	}
	if code, ok := parseFlags(fs, args, words); !ok {
		return code
	}
	msgs, ps := locales.Load(osFS{}, *dir)
	if len(ps) > 0 {
		for _, p := range ps {
			fmt.Fprintln(stderr, p)
		}
		return 1
	}
	if sub != "status" && (*lang == "" || *lang == locales.Source || !locales.Supported(*lang)) {
		fmt.Fprintf(stderr, "translate %s: --lang must be a language the bot serves other than %s (the source): one of %s\n",
			sub, locales.Source, strings.Join(locales.Languages(), ", "))
		return 2
	}
	var err error
	switch sub {
	case "export":
		err = exportTranslation(msgs, *dir, *lang, *out, *todo, stdout)
	case "import":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "translate import: give the CSV file to import")
			return 2
		}
		err = importTranslation(msgs, *dir, *lang, fs.Arg(0), stdout)
	case "status":
		err = translationStatus(msgs, *dir, stdout)
	case "stamp":
		err = stampTranslation(msgs, *dir, *lang, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "translate %s: %v\n", sub, err)
		return 1
	}
	return 0
}

func readHashes(dir, lang string) (map[string]string, error) {
	return locales.ReadHashes(osFS{}, filepath.Join(dir, locales.HashesFile(lang)))
}

func exportTranslation(msgs *locales.Catalog, dir, lang, out string, todo bool, stdout io.Writer) error {
	hashes, err := readHashes(dir, lang)
	if err != nil {
		return err
	}
	st := msgs.Translation(lang, hashes)
	status := map[string]string{}
	for _, id := range st.Missing {
		status[id] = "missing"
	}
	for _, id := range st.Stale {
		status[id] = "stale"
	}
	w := stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	n := 0
	for _, id := range msgs.SourceOrder() {
		if todo && status[id] == "" {
			continue
		}
		en := msgs.Raw(locales.Source, id)
		_ = cw.Write([]string{id, en, msgs.Raw(lang, id), status[id], locales.SourceHash(en)})
		n++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if out != "" {
		fmt.Fprintf(stdout, "%s: %d messages (%d missing, %d stale)\n", out, n, len(st.Missing), len(st.Stale))
	}
	return nil
}

// importTranslation writes the translations of a CSV into LANG.yaml and
// their English's hashes into LANG.hashes, after checking that the
// content with them loads and validates whole; on any problem it writes
// nothing.
func importTranslation(msgs *locales.Catalog, dir, lang, file string, stdout io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s is empty", file)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, h := range []string{"id", "translation", "source_hash"} {
		if _, ok := col[h]; !ok {
			return fmt.Errorf("%s: no %q column (the first row names the columns: %s)", file, h, strings.Join(csvHeader, ","))
		}
	}
	hashes, err := readHashes(dir, lang)
	if err != nil {
		return err
	}
	set := map[string]string{}
	var problems []string
	for n, row := range rows[1:] {
		cell := func(name string) string {
			if i := col[name]; i < len(row) {
				return row[i]
			}
			return ""
		}
		id, text := strings.TrimSpace(cell("id")), cell("translation")
		switch {
		case id == "" && strings.TrimSpace(text) == "":
			continue
		case !msgs.Has(locales.Source, id):
			problems = append(problems, fmt.Sprintf("%s: row %d: no English message %q", file, n+2, id))
			continue
		case strings.TrimSpace(text) == "":
			continue // not translated yet: stays missing
		}
		if text != msgs.Raw(lang, id) || hashes[id] != cell("source_hash") {
			set[id], hashes[id] = text, strings.TrimSpace(cell("source_hash"))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	path := filepath.Join(dir, lang+".yaml")
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	data, err := locales.SetMessages(old, set)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := checkTranslated(dir, lang, data); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, locales.HashesFile(lang)), locales.FormatHashes(hashes), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d messages written\n", path, len(set))
	return nil
}

// checkTranslated loads the content as the bot would with lang's file
// replaced by data: the flows from ./flows when it exists (else the
// built-in ones) and every other message file of dir.
func checkTranslated(dir, lang string, data []byte) error {
	files := fstest.MapFS{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		files[e.Name()] = &fstest.MapFile{Data: b}
	}
	files[lang+".yaml"] = &fstest.MapFile{Data: data}
	src := convo.Embedded
	src.Locales, src.LocalesDir = files, "."
	if dirExists("flows") {
		src.Flows, src.FlowsDir = osFS{}, "flows"
	}
	if _, ps := convo.LoadContent(src); len(ps) > 0 {
		var b strings.Builder
		for _, p := range ps {
			b.WriteString("\n" + strings.Replace(p.String(), lang+".yaml", filepath.Join(dir, lang+".yaml"), 1))
		}
		return fmt.Errorf("nothing written: the translation would not load:%s", b.String())
	}
	return nil
}

func translationStatus(msgs *locales.Catalog, dir string, stdout io.Writer) error {
	for _, lang := range msgs.Languages() {
		if lang == locales.Source {
			continue
		}
		hashes, err := readHashes(dir, lang)
		if err != nil {
			return err
		}
		printStatus(stdout, dir, lang, msgs.Translation(lang, hashes))
	}
	return nil
}

// printStatus lists a translation's missing and stale messages.
func printStatus(w io.Writer, dir, lang string, st locales.Status) {
	file := filepath.Join(dir, lang+".yaml")
	for _, id := range st.Missing {
		fmt.Fprintf(w, "%s: %s: missing (no translation of the English)\n", file, id)
	}
	for _, id := range st.Stale {
		fmt.Fprintf(w, "%s: %s: stale (its English is not the one it was translated from)\n", file, id)
	}
	fmt.Fprintf(w, "%s: %d missing, %d stale", lang, len(st.Missing), len(st.Stale))
	if len(st.Missing)+len(st.Stale) > 0 {
		fmt.Fprintf(w, " (selfcheck translate export --lang %s --todo -o %s-todo.csv)", lang, lang)
	}
	fmt.Fprintln(w)
}

func stampTranslation(msgs *locales.Catalog, dir, lang string, stdout io.Writer) error {
	hashes := map[string]string{}
	for _, id := range msgs.SourceOrder() {
		if msgs.Has(lang, id) {
			hashes[id] = locales.SourceHash(msgs.Raw(locales.Source, id))
		}
	}
	path := filepath.Join(dir, locales.HashesFile(lang))
	if err := os.WriteFile(path, locales.FormatHashes(hashes), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d translations marked as made from the current English\n", path, len(hashes))
	return nil
}
