package flows_test

import (
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
)

// The shipped directory's rules, stricter than the validator's: these are
// about the content we ship, not about what the file format allows.
var (
	// International: + country code, then groups of digits separated by
	// single spaces, 8 to 15 digits in all (E.164).
	intlNumber = regexp.MustCompile(`^\+[1-9][0-9]{0,2}( [0-9]{1,4})+$`)
	// Documented local numbers: three-digit hotlines (110 police, 129 SAPA)
	// and toll-free 0800 numbers (0800-1000 KP2MI).
	localNumber = regexp.MustCompile(`^([0-9]{3}|0800-[0-9]{4})$`)
	waLink      = regexp.MustCompile(`^https://wa\.me/[1-9][0-9]{7,14}$`)
)

func shippedSet(t *testing.T) *flows.Set {
	t.Helper()
	set, ps := flows.Load(flows.Files, ".")
	if len(ps) > 0 {
		t.Fatalf("shipped flows do not load: %v", ps)
	}
	if len(set.Contacts) == 0 {
		t.Fatal("the shipped contact directory is empty")
	}
	return set
}

func sortedContactIDs(set *flows.Set) []string {
	ids := make([]string, 0, len(set.Contacts))
	for id := range set.Contacts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func TestContactDirectoryEntries(t *testing.T) {
	set := shippedSet(t)
	for _, id := range sortedContactIDs(set) {
		c := set.Contacts[id]
		t.Run(id, func(t *testing.T) {
			if strings.TrimSpace(c.Source) == "" {
				t.Error("no source")
			} else if !strings.Contains(c.Source, "facts.md") {
				t.Errorf("source %q does not say which facts.md section it comes from", c.Source)
			}
			d, err := time.Parse(time.DateOnly, c.Checked)
			if err != nil {
				t.Errorf("checked %q is not a YYYY-MM-DD date", c.Checked)
			} else if d.After(time.Now()) {
				t.Errorf("checked %s is in the future", c.Checked)
			}
			switch c.Confidence {
			case "confirmed", "secondary":
			case "unconfirmed":
				if c.Disabled == "" {
					t.Error("unconfirmed but not disabled")
				}
			default:
				t.Errorf("confidence %q", c.Confidence)
			}
			for _, lang := range []string{"id", "en"} {
				if c.Name[lang] == "" {
					t.Errorf("no name in %s", lang)
				}
			}
			for _, n := range c.Call {
				switch {
				case n.Local:
					if !localNumber.MatchString(n.Number) {
						t.Errorf("local number %q is not a documented short or 0800 number", n.Number)
					}
				case !intlNumber.MatchString(n.Number):
					t.Errorf("number %q is not international (+ and digits, single spaces)", n.Number)
				default:
					if d := digitsOnly(n.Number); len(d) < 8 || len(d) > 15 {
						t.Errorf("number %q has %d digits; E.164 allows 8 to 15 here", n.Number, len(d))
					}
				}
			}
			if c.WhatsApp != "" {
				if !intlNumber.MatchString(c.WhatsApp) {
					t.Errorf("WhatsApp %q is not an international number", c.WhatsApp)
				}
				if !waLink.MatchString(c.WhatsAppLink()) {
					t.Errorf("WhatsApp link %q is not https://wa.me/<digits>", c.WhatsAppLink())
				}
			}
			if c.Link != "" {
				u, err := url.Parse(c.Link)
				if err != nil || (u.Scheme != "https" && u.Scheme != "tg") || (u.Scheme == "https" && u.Host == "") {
					t.Errorf("link %q is not an https:// or tg:// link", c.Link)
				}
			}
		})
	}
}

// TestContactDirectoryMatchesFacts checks every shown detail against the
// source of truth, shared/domain/facts.md: each number, WhatsApp number and
// link is written there exactly so, and each entry's source names the date
// in checked (day, or month when checked is the 1st, or year when it is
// January 1st).
func TestContactDirectoryMatchesFacts(t *testing.T) {
	facts := readFacts(t)
	set := shippedSet(t)
	for _, id := range sortedContactIDs(set) {
		c := set.Contacts[id]
		for _, n := range c.Call {
			if !strings.Contains(facts, n.Number) {
				t.Errorf("%s: number %q is not written so in facts.md", id, n.Number)
			}
		}
		if c.WhatsApp != "" && !strings.Contains(facts, c.WhatsApp) {
			t.Errorf("%s: WhatsApp %q is not in facts.md", id, c.WhatsApp)
		}
		if c.Link != "" && !strings.Contains(facts, c.Link) {
			t.Errorf("%s: link %q is not in facts.md", id, c.Link)
		}
		d, err := time.Parse(time.DateOnly, c.Checked)
		if err != nil {
			continue // reported by TestContactDirectoryEntries
		}
		forms := []string{d.Format("2 Jan 2006")}
		if d.Day() == 1 {
			forms = append(forms, d.Format("Jan 2006"))
			if d.Month() == time.January {
				forms = append(forms, d.Format("(2006)"))
			}
		}
		found := false
		for _, f := range forms {
			found = found || strings.Contains(c.Source, f)
		}
		if !found {
			t.Errorf("%s: checked %s does not appear in its source (%q), as one of %q", id, c.Checked, c.Source, forms)
		}
	}
}

// readFacts returns the team's research notes, shared/domain/facts.md
// beside the repository, or skips the test without them.
func readFacts(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../shared/domain/facts.md")
	if err != nil {
		// CI has ../shared beside the clone and sets FACTS_REQUIRED, so
		// there the check can never be skipped by accident.
		if os.Getenv("FACTS_REQUIRED") != "" {
			t.Fatalf("FACTS_REQUIRED is set but facts.md cannot be read: %v", err)
		}
		t.Skipf("facts.md not available next to the repository: %v", err)
	}
	return string(data)
}

// numberToken finds numbers as written: digits with . , - inside, not part
// of a word (P2MI, P3MI, SISKOP2MI are names, not numbers). After a
// leading +, spaces belong to the number.
var numberToken = regexp.MustCompile(`\+[0-9][0-9 ]*[0-9]|[0-9](?:[0-9.,-]*[0-9])?`)

// linkToken finds links and bare domain names.
var linkToken = regexp.MustCompile(`(?i)(?:https?|tg)://[^\s)"'»,;]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:go\.id|or\.id|co\.id|ac\.id|com|org|net|int|me)\b`)

// TestShownNumbersAndLinksAreInTheDirectory scans every message of every
// locale file, and every contact's name and notes, for phone numbers and
// links: each must be an enabled entry of the contact directory (with its
// source), or a number listed with its source (or why it is no fact) in
// docs/sources.md. A phone-like string (starting with + or 0, or 7 digits
// or more) must be in the directory. A row of docs/sources.md that no text
// shows any more is stale.
func TestShownNumbersAndLinksAreInTheDirectory(t *testing.T) {
	set := shippedSet(t)
	allowed := map[string]bool{} // the numbers docs/sources.md lists beside the contacts
	for _, r := range readSources(t) {
		if r.section != contactsSection {
			for _, v := range r.shown {
				allowed[v] = true
			}
		}
	}
	seen := map[string]bool{}
	numbers := map[string]string{} // digits -> contact id
	links := map[string]string{}   // link or host -> contact id
	disabled := map[string]string{}
	for _, id := range sortedContactIDs(set) {
		c := set.Contacts[id]
		into := numbers
		if c.Disabled != "" {
			into = disabled
		}
		for _, n := range c.Call {
			into[digitsOnly(n.Number)] = id
		}
		if c.WhatsApp != "" {
			into[digitsOnly(c.WhatsApp)] = id
		}
		if c.Disabled != "" {
			continue
		}
		if wa := c.WhatsAppLink(); wa != "" {
			links[wa] = id
		}
		if c.Link != "" {
			links[c.Link] = id
			if u, err := url.Parse(c.Link); err == nil {
				links[strings.ToLower(u.Host)] = id
			}
		}
	}

	texts := map[string]string{} // where -> text
	files, err := fs.Glob(locales.Files, "*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no locale files: %v", err)
	}
	for _, file := range files {
		data, err := fs.ReadFile(locales.Files, file)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := yaml.Unmarshal(data, &msgs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for id, s := range msgs {
			texts["locales/"+file+": "+id] = s
		}
	}
	for _, id := range sortedContactIDs(set) {
		c := set.Contacts[id]
		if c.Disabled != "" {
			continue
		}
		for lang, s := range c.Name {
			texts["contacts.yaml: "+id+".name."+lang] = s
		}
		for lang, s := range c.Note {
			texts["contacts.yaml: "+id+".note."+lang] = s
		}
		for i, n := range c.Call {
			for lang, s := range n.Note {
				texts["contacts.yaml: "+id+".call["+string(rune('0'+i))+"].note."+lang] = s
			}
		}
	}

	where := make([]string, 0, len(texts))
	for w := range texts {
		where = append(where, w)
	}
	sort.Strings(where)
	for _, w := range where {
		s := texts[w]
		for _, loc := range numberToken.FindAllStringIndex(s, -1) {
			tok := s[loc[0]:loc[1]]
			if loc[0] > 0 && isLetter(s[loc[0]-1]) || loc[1] < len(s) && isLetter(s[loc[1]]) {
				continue // part of a name such as KP2MI or SIP3MI
			}
			d := digitsOnly(tok)
			seen[tok] = true
			if id, ok := disabled[d]; ok {
				t.Errorf("%s: %q is the number of disabled contact %s: it must never be shown", w, tok, id)
				continue
			}
			if _, ok := numbers[d]; ok {
				continue
			}
			// 7 digits or more is a phone number unless written as a figure
			// with thousands separators (1.000-1.200).
			phoneLike := strings.HasPrefix(tok, "+") || strings.HasPrefix(tok, "0") ||
				len(d) >= 7 && !strings.ContainsAny(tok, ".,")
			if allowed[tok] && !phoneLike {
				continue
			}
			if phoneLike {
				t.Errorf("%s: phone number %q is not in the contact directory (add it there with its facts.md source)", w, tok)
			} else {
				t.Errorf("%s: number %q is neither in the contact directory nor in docs/sources.md (add it there with its source and date)", w, tok)
			}
		}
		for _, tok := range linkToken.FindAllString(s, -1) {
			key := strings.TrimRight(tok, ".")
			if _, ok := links[key]; ok {
				continue
			}
			if _, ok := links[strings.ToLower(key)]; ok {
				continue
			}
			t.Errorf("%s: link %q is not an enabled link of the contact directory", w, tok)
		}
	}
	for v := range allowed {
		if !seen[v] {
			t.Errorf("docs/sources.md lists %q, which no text shows any more: remove its row", v)
		}
	}
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
