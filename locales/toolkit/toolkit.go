// Package toolkit holds the texts of the organisers' tools (statistics
// reports and charts, the dashboard, posters) in Indonesian and English.
// They are apart from the bot's messages: the bot's validation lists every
// message a flow or the bot uses, and these are neither.
package toolkit

import (
	"embed"
	"fmt"
	"sync"

	"github.com/selfcheck-id/selfcheck/locales"
)

//go:embed *.yaml
var files embed.FS

// Langs are the languages every text is in: the bot's (Check fails when
// a text is missing in one).
var Langs = locales.Languages()

var catalog = sync.OnceValues(func() (*locales.Catalog, error) {
	c, ps := locales.Load(files, ".")
	if len(ps) > 0 {
		return nil, fmt.Errorf("toolkit texts: %s", ps[0].String())
	}
	return c, nil
})

// T is the text id in lang (one of Langs; anything else is
// locales.Fallback).
// The texts are built in and tested, so a missing one reads as its id.
func T(lang, id string) string {
	c, err := catalog()
	if err != nil {
		return id
	}
	if !locales.Supported(lang) {
		lang = locales.Fallback
	}
	return c.Text(lang, id, false, nil)
}

// Check reports a text that does not load or is missing in a language.
func Check() error {
	c, err := catalog()
	if err != nil {
		return err
	}
	for _, lang := range Langs {
		for _, other := range Langs {
			for _, id := range c.Keys(other) {
				if !c.Has(lang, id) {
					return fmt.Errorf("toolkit text %s has no %s version", id, lang)
				}
			}
		}
	}
	return nil
}
