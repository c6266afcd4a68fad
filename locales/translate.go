package locales

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Source is the language translators translate from.
const Source = "en"

// A translation remembers the English it was made from by a hash of that
// text, kept in <lang>.hashes beside <lang>.yaml (one "id hash" line per
// message). When the English changes, its hash does, and the translation
// is stale until a translator looks at it again. The hashes are for
// translators only: the bot serves a stale translation as it is.

// SourceHash is the hash of an English text that a translation records.
func SourceHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:6])
}

// Raw is message id of lang as written in its file ("" when missing).
func (c *Catalog) Raw(lang, id string) string { return c.msgs[lang][id].raw }

// SourceOrder is the English message IDs in the order of the English file,
// the order a translator reads them in.
func (c *Catalog) SourceOrder() []string {
	ids := c.Keys(Source)
	slices.SortStableFunc(ids, func(a, b string) int { return c.Pos(Source, a).Line - c.Pos(Source, b).Line })
	return ids
}

// Status is where a language's translation stands against the English.
type Status struct {
	Missing []string // English messages without a translation
	Stale   []string // translated from English that has changed since (or with no record of which)
}

// Translation reports the missing and stale messages of lang, given the
// hashes recorded for it (ReadHashes). Both lists follow the English file.
func (c *Catalog) Translation(lang string, hashes map[string]string) Status {
	var st Status
	for _, id := range c.SourceOrder() {
		switch {
		case !c.Has(lang, id):
			st.Missing = append(st.Missing, id)
		case hashes[id] != SourceHash(c.Raw(Source, id)):
			st.Stale = append(st.Stale, id)
		}
	}
	return st
}

// HashesFile is the name of lang's hashes file.
func HashesFile(lang string) string { return lang + ".hashes" }

// ReadHashes reads a hashes file; a missing file is no hashes.
func ReadHashes(fsys fs.FS, path string) (map[string]string, error) {
	data, err := fs.ReadFile(fsys, path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	h := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, sum, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"message-id hash\"", path, n)
		}
		h[id] = strings.TrimSpace(sum)
	}
	return h, sc.Err()
}

// FormatHashes writes hashes as ReadHashes reads them, sorted.
func FormatHashes(h map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString("# The hash of the English each translation was made from (selfcheck translate).\n")
	ids := make([]string, 0, len(h))
	for id := range h {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "%s %s\n", id, h[id])
	}
	return b.Bytes()
}

// SetMessages returns a message file (data) with the messages in set
// written in: a message already there is replaced on its lines, a new one
// is added at the end. Comments, blank lines and every other message stay
// as they are, so the change reads as a small diff.
func SetMessages(data []byte, set map[string]string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(string(data), "\n")
	type span struct{ from, to int } // 0-based lines, inclusive
	where := map[string]span{}
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		m := doc.Content[0].Content
		for i := 0; i+1 < len(m); i += 2 {
			from := m[i].Line - 1
			to := len(lines) - 1
			if i+2 < len(m) {
				to = m[i+2].Line - 2
			}
			// What follows the value up to the next key (blank lines,
			// the next message's comment) is not the value's.
			for to > from && isBlankOrComment(lines[to]) {
				to--
			}
			where[m[i].Value] = span{from, to}
		}
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	// From the bottom up, so that earlier spans keep their lines.
	slices.SortFunc(ids, func(a, b string) int { return where[b].from - where[a].from })
	var added []string
	for _, id := range ids {
		line := id + ": " + quote(set[id]) + "\n"
		sp, ok := where[id]
		if !ok {
			added = append(added, line)
			continue
		}
		lines = append(lines[:sp.from], append([]string{line}, lines[sp.to+1:]...)...)
	}
	out := strings.Join(lines, "")
	if len(added) > 0 {
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		slices.Sort(added)
		out += strings.Join(added, "")
	}
	return []byte(out), nil
}

func isBlankOrComment(l string) bool {
	t := strings.TrimSpace(l)
	return t == "" || strings.HasPrefix(t, "#")
}

// quote writes s as a YAML double-quoted string (JSON's escapes are
// YAML's), with its characters as they are.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
