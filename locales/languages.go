package locales

import (
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"
)

// Fallback is the language of a user whose language code matches none of
// the bot's: English is the language more users outside Indonesia read.
const Fallback = "en"

// shipped reads the languages from the message files built into the
// binary, once: Default first, then the rest sorted.
var shipped = sync.OnceValue(func() []string {
	files, _ := fs.Glob(Files, "*.yaml")
	langs := make([]string, 0, len(files))
	for _, f := range files {
		langs = append(langs, strings.TrimSuffix(f, ".yaml"))
	}
	slices.SortFunc(langs, func(a, b string) int {
		switch {
		case a == Default:
			return -1
		case b == Default:
			return 1
		}
		return strings.Compare(a, b)
	})
	return langs
})

// Languages are the bot's languages: one for each message file in this
// package (id.yaml, en.yaml), Default first. This is the one place that
// knows them: matching a user's language code, the language button,
// campaign links, `chat --lang` and the contact names all ask here, so a
// file added here is served everywhere, and content whose message files
// are another set is refused (convo.Check), never half served.
func Languages() []string { return slices.Clone(shipped()) }

// Supported reports whether lang is one of the bot's languages, exactly.
func Supported(lang string) bool { return slices.Contains(shipped(), lang) }

// Match maps a Telegram language_code (an IETF tag such as "id", "en-US")
// to one of the bot's languages by its first part ("in" is the old code
// for Indonesian); any other code, or none, gets Fallback.
func Match(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	if base == "in" {
		base = "id"
	}
	if Supported(base) {
		return base
	}
	return Fallback
}

// Next is the language the language button switches to from lang: the
// next in Languages, round.
func Next(lang string) string {
	langs := shipped()
	i := slices.Index(langs, lang)
	return langs[(i+1)%len(langs)]
}

// builtIn is the catalog of the message files built into the binary,
// loaded once, for Duration.
var builtIn = sync.OnceValue(func() *Catalog {
	c, _ := Load(Files, ".")
	return c
})

// Duration is Catalog.Duration with the built-in message files (the
// served ones may be LOCALES_DIR's: a Core renders with those).
func Duration(lang string, d time.Duration) string { return builtIn().Duration(lang, d) }
