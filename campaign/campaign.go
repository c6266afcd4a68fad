// Package campaign makes the links and QR codes NGOs share at events, and
// reads them back when a user arrives: the deep-link payload carries a
// campaign code and, optionally, the language.
package campaign

import (
	"fmt"
	"regexp"
	"strings"
)

// payloadRe is what Telegram allows in a start payload.
var payloadRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Payload builds the start payload for a campaign: the name, then "-id" or
// "-en" when a language is given. Names may use A-Z a-z 0-9 _ and -.
func Payload(name, lang string) (string, error) {
	if lang != "" && lang != "id" && lang != "en" {
		return "", fmt.Errorf("language %q: use id or en", lang)
	}
	if name == "direct" || name == "other" {
		// Statistics use these for checks without a link (stats.Direct) and
		// for campaigns past the daily cap (stats.Other).
		return "", fmt.Errorf("campaign name %q is reserved: pick another", name)
	}
	if n, l := Parse(name); l != "" && n != "" {
		// "fair-id" would read back as campaign "fair" in Indonesian.
		return "", fmt.Errorf("campaign name %q: must not end in -id or -en (use --lang for the language)", name)
	}
	p := name
	if lang != "" {
		p += "-" + lang
	}
	if !payloadRe.MatchString(name) || !payloadRe.MatchString(p) {
		return "", fmt.Errorf("campaign name %q: use 1-%d characters of A-Z a-z 0-9 _ -", name, 64-len("-xx"))
	}
	return p, nil
}

// Parse reads a start payload back into a campaign and a language ("" for
// none). Anything that is not a valid payload gives nothing.
func Parse(p string) (name, lang string) {
	if !payloadRe.MatchString(p) {
		return "", ""
	}
	if i := strings.LastIndexByte(p, '-'); i >= 0 && (p[i+1:] == "id" || p[i+1:] == "en") {
		return p[:i], p[i+1:]
	}
	return p, ""
}

// Link is the deep link that opens the bot with the payload.
func Link(bot, payload string) string {
	return "https://t.me/" + bot + "?start=" + payload
}
