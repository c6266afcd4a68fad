// Package campaign makes the links and QR codes NGOs share at events, and
// reads them back when a user arrives: the deep-link payload carries a
// campaign name signed with the organisers' key (CAMPAIGN_KEY) and,
// optionally, the language.
//
// Only signed names are counted as campaigns in the statistics: anyone can
// type "/start anything", and a made-up name (a person's name and phone
// number, say) must not become a statistics key holding that person's
// answers.
package campaign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/selfcheck-id/selfcheck/locales"
)

// payloadRe is what Telegram allows in a start payload.
var payloadRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// SigLen is the length of a name's signature in a payload: 40 bits of an
// HMAC-SHA256, written in base32 (a-z, 2-7). Guessing one takes about 10^12
// tries, each a /start message to the bot.
const SigLen = 8

// MaxName is the longest campaign name: a payload is at most 64
// characters, of which "-" and the signature and "-id" take 12.
const MaxName = 64 - 1 - SigLen - 3

// Group is the campaign of people who reached the bot from its pointer in
// a group chat (the bot makes that link itself, unsigned).
const Group = "group"

// Other is the campaign of links no organiser made (a typed or forged
// name): counted together, never by name.
const Other = "other"

// reserved names are used by the statistics (direct: no link; other:
// unsigned or past the daily cap) and the bot (group).
var reserved = map[string]bool{"direct": true, "other": true, Group: true}

// Keys signs and checks campaign names with the organisers' key.
type Keys struct{ key []byte }

// NewKeys returns Keys for key (CAMPAIGN_KEY); with an empty key nothing
// can be signed and no name verifies.
func NewKeys(key string) *Keys { return &Keys{key: []byte(key)} }

func (k *Keys) sign(name string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte("selfcheck campaign:" + name))
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	return strings.ToLower(enc.EncodeToString(m.Sum(nil)[:SigLen*5/8]))
}

// Payload builds the start payload for a campaign: the name, its
// signature, then "-id" or "-en" when a language is given. Names use
// 1-52 of A-Z a-z 0-9 _ and -; a name that looks like a phone or ID number
// is refused (a campaign is an event, not a person).
func (k *Keys) Payload(name, lang string) (string, error) {
	if len(k.key) == 0 {
		return "", fmt.Errorf("no campaign key: set CAMPAIGN_KEY to the bot's")
	}
	if lang != "" && !locales.Supported(lang) {
		return "", fmt.Errorf("language %q: use one of %s", lang, strings.Join(locales.Languages(), ", "))
	}
	if err := CheckName(name); err != nil {
		return "", err
	}
	p := name + "-" + k.sign(name)
	if lang != "" {
		p += "-" + lang
	}
	return p, nil
}

// CheckName reports why name cannot be a campaign name, or nil.
func CheckName(name string) error {
	switch {
	case reserved[name]:
		return fmt.Errorf("campaign name %q is reserved: pick another", name)
	case len(name) > MaxName || !payloadRe.MatchString(name):
		return fmt.Errorf("campaign name %q: use 1-%d characters of A-Z a-z 0-9 _ -", name, MaxName)
	case LooksPersonal(name):
		return fmt.Errorf("campaign name %q looks like a phone or ID number: name the event or place, not a person", name)
	}
	if n, l := Parse(name); l != "" && n != "" {
		// "fair-id" would read as campaign "fair" in Indonesian.
		return fmt.Errorf("campaign name %q: must not end in -id or -en (use --lang for the language)", name)
	}
	return nil
}

// LooksPersonal reports whether name holds a run of 9 or more digits,
// separators _ and - ignored: Indonesian phone numbers have 10 to 13 digits
// (0812..., 62812...), ID (NIK) and family card numbers 16. A date
// (2026-11-01) has 8.
func LooksPersonal(name string) bool {
	run := 0
	for _, r := range name {
		switch {
		case r >= '0' && r <= '9':
			run++
			if run >= 9 {
				return true
			}
		case r == '-' || r == '_' || r == '+':
		default:
			run = 0
		}
	}
	return false
}

// Verify reads a campaign as Parse returns it from a payload ("name-sig")
// and reports the name when the signature is the key's. Anything else (a
// typed name, a forged or old signature, no key) is not a campaign.
func (k *Keys) Verify(code string) (name string, ok bool) {
	i := strings.LastIndexByte(code, '-')
	if len(k.key) == 0 || i < 1 || len(code)-i-1 != SigLen {
		return "", false
	}
	name, sig := code[:i], code[i+1:]
	if !hmac.Equal([]byte(sig), []byte(k.sign(name))) || CheckName(name) != nil {
		return "", false
	}
	return name, true
}

// Parse reads a start payload back into a campaign code (the signed name,
// to be checked with Verify) and a language ("" for none). Anything that
// is not a valid payload gives nothing.
func Parse(p string) (code, lang string) {
	if !payloadRe.MatchString(p) {
		return "", ""
	}
	if i := strings.LastIndexByte(p, '-'); i >= 0 && locales.Supported(p[i+1:]) {
		return p[:i], p[i+1:]
	}
	return p, ""
}

// Link is the deep link that opens the bot with the payload, or the bot's
// plain link when payload is "". Every t.me link to the bot is made here.
func Link(bot, payload string) string {
	link := "https://t.me/" + bot
	if payload != "" {
		link += "?start=" + payload
	}
	return link
}

// ShareLink is the t.me link that lets a user send link to a chat of their
// choice (the "share" button).
func ShareLink(link string) string {
	return "https://t.me/share/url?url=" + url.QueryEscape(link)
}

// ValidPayload reports whether p may follow ?start= in a deep link.
func ValidPayload(p string) bool { return payloadRe.MatchString(p) }
