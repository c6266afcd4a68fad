package flows_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// docs/sources.md lists every fact the bot shows with its source and date
// (see its introduction for what the tests below hold it to).

const (
	sourcesPath     = "../docs/sources.md"
	contactsSection = "Contacts"
	notFactsSection = "Numbers that are not facts"
)

// sourceRow is a row of one of the page's tables.
type sourceRow struct {
	section string
	line    int
	shown   []string // as the bot shows them (the first column's `values`)
	cells   []string
}

var backticked = regexp.MustCompile("`([^`]+)`")

func readSources(t *testing.T) []sourceRow {
	t.Helper()
	data, err := os.ReadFile(sourcesPath)
	if err != nil {
		t.Fatal(err)
	}
	var rows []sourceRow
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			section = h
			continue
		}
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		r := sourceRow{section: section, line: i + 1, cells: cells}
		for _, m := range backticked.FindAllStringSubmatch(cells[0], -1) {
			r.shown = append(r.shown, m[1])
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		t.Fatalf("%s has no table rows", sourcesPath)
	}
	return rows
}

// TestSourcesRows: every fact has a source and a date; a contact's row
// names a value of an enabled contact, with a date its source in
// contacts.yaml names; and every number and link of an enabled contact has
// a row.
func TestSourcesRows(t *testing.T) {
	set := shippedSet(t)
	owner := map[string]string{} // a contact's shown value -> contact id
	for _, id := range sortedContactIDs(set) {
		c := set.Contacts[id]
		if c.Disabled != "" {
			continue
		}
		for _, n := range c.Call {
			owner[n.Number] = id
		}
		if c.WhatsApp != "" {
			owner[c.WhatsApp] = id
		}
		if c.Link != "" {
			owner[c.Link] = id
		}
	}
	listed := map[string]bool{}
	for _, r := range readSources(t) {
		at := sourcesPath + ":" + strconv.Itoa(r.line)
		switch r.section {
		case notFactsSection:
			if len(r.cells) != 2 || r.cells[1] == "" {
				t.Errorf("%s: want | shown | why |", at)
			}
			continue
		case contactsSection, "Laws and policy", "Figures":
		default:
			t.Errorf("%s: row under an unknown section %q", at, r.section)
			continue
		}
		if len(r.cells) != 5 || len(r.shown) == 0 || r.cells[2] == "" || len(backticked.FindAllString(r.cells[4], -1)) == 0 {
			t.Errorf("%s: want | `shown` | what | source | date | facts.md says `quote` |", at)
			continue
		}
		date := r.cells[3]
		if !parsesAsDate(date) {
			t.Errorf("%s: date %q is not like 2 Jan 2006, Jan 2006 or 2006", at, date)
		}
		if r.section != contactsSection {
			continue
		}
		for _, v := range r.shown {
			id, ok := owner[v]
			if !ok {
				t.Errorf("%s: %q is no number or link of an enabled contact in contacts.yaml", at, v)
				continue
			}
			listed[v] = true
			if src := strings.Join(strings.Fields(set.Contacts[id].Source), " "); !strings.Contains(src, date) {
				t.Errorf("%s: %s's date %q is not one its source in contacts.yaml names (%q)", at, id, date, src)
			}
		}
	}
	for v, id := range owner {
		if !listed[v] {
			t.Errorf("%s shows %q, which docs/sources.md does not list under %s", id, v, contactsSection)
		}
	}
}

// TestSourcesMatchFacts: each quote of the last column is written so in
// facts.md (CI makes it mandatory with FACTS_REQUIRED=1).
func TestSourcesMatchFacts(t *testing.T) {
	facts := strings.Join(strings.Fields(readFacts(t)), " ")
	for _, r := range readSources(t) {
		if r.section == notFactsSection || len(r.cells) != 5 {
			continue
		}
		for _, m := range backticked.FindAllStringSubmatch(r.cells[4], -1) {
			if !strings.Contains(facts, strings.Join(strings.Fields(m[1]), " ")) {
				t.Errorf("%s:%d: %q is not written so in facts.md", sourcesPath, r.line, m[1])
			}
		}
	}
}

func parsesAsDate(s string) bool {
	for _, layout := range []string{"2 Jan 2006", "Jan 2006", "2006"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
