// Package locales holds the message files (one per language: id.yaml,
// en.yaml) and renders messages by ID. Flows name message IDs; all text a
// user reads lives in these files.
package locales

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/selfcheck-id/selfcheck/internal/yamlcheck"
)

// Files are the shipped message files, built into the binary.
//
//go:embed *.yaml
var Files embed.FS

// Default is the language of the terminal check and of the content check's
// summary: the bot's users are mostly Indonesian.
const Default = "id"

// Catalog is every message in every language. Each is read as text with
// plain fields (see message) and given to go-i18n, whose rendering of it
// with sample values is the reference the bot's own must match at load
// (see loadFile). The bot then renders from the parsed form: go-i18n's
// Localize matches the language and runs text/template on every call,
// which was a fifth of the core's work per tap.
type Catalog struct {
	msgs   map[string]map[string]entry // lang -> id -> message
	bundle *i18n.Bundle
}

type entry struct {
	msg message
	raw string            // as written in the file, for translators
	pos yamlcheck.Problem // where it is defined
	// other is the id of the message's "<id>.other" variant, "" for none.
	other string
}

// Load reads every <lang>.yaml in dir. Each file is a flat map of message ID
// to text, in which {{.N}} shows a value (see Fields). Every message is
// rendered with sample values, and any that would not render as written is
// a problem at its line.
func Load(fsys fs.FS, dir string) (*Catalog, yamlcheck.Problems) {
	c := &Catalog{msgs: map[string]map[string]entry{}, bundle: i18n.NewBundle(language.Indonesian)}
	var ps yamlcheck.Problems
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return c, yamlcheck.Problems{{File: dir, Msg: "cannot read: " + err.Error()}}
	}
	for _, e := range entries {
		lang, ok := strings.CutSuffix(e.Name(), ".yaml")
		if e.IsDir() || !ok {
			continue
		}
		file := path.Join(dir, e.Name())
		data, p := yamlcheck.ReadFile(fsys, file)
		if p != nil {
			ps = append(ps, *p)
			continue
		}
		ps = append(ps, c.loadFile(file, lang, data)...)
	}
	if len(c.msgs) == 0 && len(ps) == 0 {
		ps = append(ps, yamlcheck.Problem{File: dir, Msg: "no message file (<lang>.yaml) found"})
	}
	return c, ps
}

func (c *Catalog) loadFile(file, lang string, data []byte) yamlcheck.Problems {
	if _, err := language.Parse(lang); err != nil || len(lang) != 2 {
		return yamlcheck.Problems{{File: file, Msg: "the file name must be a two-letter language code, like id.yaml or en.yaml"}}
	}
	root, ps := yamlcheck.Parse(file, data)
	if ps != nil {
		return ps
	}
	var flat map[string]string
	if ps := yamlcheck.Decode(file, root, &flat); ps != nil {
		return ps
	}
	msgs := make(map[string]entry, len(flat))
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		id, text := k.Value, flat[k.Value]
		e := entry{raw: text, pos: yamlcheck.Problem{File: file, Line: k.Line, Col: k.Column}}
		msg, err := parseMessage(text)
		switch {
		case strings.TrimSpace(text) == "":
			ps.Add(file, v, "message %q is empty", id)
		case err != nil:
			ps.Add(file, v, "message %s: %v", id, err)
		default:
			// As validate promises: render it as the bot will, with
			// the values the bot gives it.
			if _, missing := msg.render(Samples(id)); missing != nil {
				ps.Add(file, v, "message %s shows {{.%s}}, which the bot does not give it (it gives %s)", id, missing[0], given(id))
			}
		}
		e.msg = msg
		msgs[id] = e
		if err == nil {
			if err := c.bundle.AddMessages(language.Make(lang), &i18n.Message{ID: id, Other: text}); err != nil {
				ps.Add(file, v, "message %s: %v", id, err)
			}
		}
	}
	loc := i18n.NewLocalizer(c.bundle, lang)
	for i := 0; i+1 < len(root.Content); i += 2 {
		id := root.Content[i].Value
		e := msgs[id]
		if _, ok := msgs[id+".other"]; ok {
			e.other = id + ".other"
			msgs[id] = e
		}
		// The bot renders the parsed form; go-i18n's rendering is the
		// reference it must match.
		data := Samples(id)
		want, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
		if got, missing := e.msg.render(data); err == nil && missing == nil && got != want {
			ps.Add(file, root.Content[i+1], "message %s renders as %q, but go-i18n renders it as %q", id, got, want)
		}
	}
	c.msgs[lang] = msgs
	return ps
}

// given names the fields message id gets, for problems.
func given(id string) string {
	var names []string
	for _, f := range FieldsOf(id) {
		names = append(names, "{{."+f+"}}")
	}
	return strings.Join(names, " and ")
}

// Languages returns the language codes, sorted.
func (c *Catalog) Languages() []string {
	langs := make([]string, 0, len(c.msgs))
	for l := range c.msgs {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	return langs
}

// Has reports whether lang defines message id.
func (c *Catalog) Has(lang, id string) bool {
	_, ok := c.msgs[lang][id]
	return ok
}

// Keys returns the message IDs of lang, sorted.
func (c *Catalog) Keys(lang string) []string {
	ids := make([]string, 0, len(c.msgs[lang]))
	for id := range c.msgs[lang] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Pos returns where lang defines id.
func (c *Catalog) Pos(lang, id string) yamlcheck.Problem { return c.msgs[lang][id].pos }

// Text renders message id in lang with the values in data. With other set
// it prefers the variant "<id>.other", written for someone checking an
// offer for another person. A missing message renders as its ID, which
// validation prevents from shipping; it never falls back silently to
// another language. A field data has no value for renders as nothing.
func (c *Catalog) Text(lang, id string, other bool, data map[string]any) string {
	e, ok := c.msgs[lang][id]
	if !ok {
		return id
	}
	if other && e.other != "" {
		e = c.msgs[lang][e.other]
	}
	// A field data has no value for shows nothing ({{.Country}} before a
	// country is chosen), as go-i18n would with an empty value.
	s, _ := e.msg.render(data)
	return s
}

// Duration says how long d is in lang, in whole days when it is a
// multiple of a day and in whole hours otherwise, rounded up ("3 hari",
// "1 day", "12 hours", "2 hours" for 90 minutes), in the words of the
// message files (time.day, time.days, time.hour, time.hours).
// Messages show it as {{.Kept}}: how long answers are kept (SESSION_TTL),
// so that what the bot says about deletion stays true when it is changed.
func (c *Catalog) Duration(lang string, d time.Duration) string {
	// Rounded up: the bot must never say it keeps answers for less time
	// than it does.
	n, one, many := int64((d+time.Hour-1)/time.Hour), Hour, Hours
	if n%24 == 0 && n > 0 {
		n, one, many = n/24, Day, Days
	}
	id := many
	if n == 1 {
		id = one
	}
	return c.Text(lang, id, false, map[string]any{"N": n})
}
