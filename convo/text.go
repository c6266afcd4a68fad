package convo

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/selfcheck-id/selfcheck/flows"
)

// synonyms maps everyday ways of typing an answer, in both languages, to
// the choice ids flows use for them. A synonym counts only where the
// question has a choice with that id.
var synonyms = map[string]string{
	"ya": "yes", "iya": "yes", "iy": "yes", "y": "yes", "yes": "yes", "yup": "yes", "yep": "yes",
	"betul": "yes", "benar": "yes", "bener": "yes", "sudah": "yes", "udah": "yes",
	"tidak": "no", "tdk": "no", "nggak": "no", "ngga": "no", "gak": "no", "ga": "no", "enggak": "no",
	"engga": "no", "no": "no", "n": "no", "nope": "no", "bukan": "no", "belum": "no",
	"tidak tahu": "unknown", "tidak tau": "unknown", "nggak tahu": "unknown", "gak tau": "unknown",
	"ga tau": "unknown", "gatau": "unknown", "gak tahu": "unknown", "ga tahu": "unknown", "entah": "unknown",
	"dont know": "unknown", "do not know": "unknown",
	"i dont know": "unknown", "idk": "unknown", "not sure": "unknown",
}

// matchChoice reads typed text as an answer to step s: the choice's number
// (1 for the first), its label in the user's language (or the other one),
// or a common synonym.
func matchChoice(ct *Content, lang string, s *flows.Step, text string) (string, bool) {
	norm := normalize(text)
	if norm == "" {
		return "", false
	}
	if n, err := strconv.Atoi(norm); err == nil {
		if n >= 1 && n <= len(s.Choices) {
			return s.Choices[n-1].ID, true
		}
		return "", false
	}
	for _, l := range []string{lang, otherLang(lang)} {
		for _, ch := range s.Choices {
			if normalize(ct.Msgs.Text(l, ch.Text, false, nil)) == norm ||
				normalize(ct.Msgs.Text(l, ch.Text, true, nil)) == norm {
				return ch.ID, true
			}
		}
	}
	if id, ok := synonyms[norm]; ok && s.Choice(id) != nil {
		return id, true
	}
	return "", false
}

// normalize lowercases and keeps letters and digits, one space between
// words: "Ya!" and "  ya " read the same, as do "don't know" and "dont know".
func normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
			// "don't" -> "dont"
		default:
			space = true
		}
	}
	return b.String()
}
