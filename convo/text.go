package convo

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
)

// meaning is what a typed word means as an answer.
type meaning int

const (
	meansYes meaning = iota + 1
	meansNo
	meansUnknown
)

// synonyms are everyday ways of typing yes, no and "I don't know", in both
// languages. Yes and no count only for choices labelled plainly "Yes" and
// "No" (locales.AnswerYes, AnswerNo) or marked `means: yes|no` in the flow:
// typed "no" must never pick a choice such as "Checked: no licence". "I don't know" picks the question's
// `unknown` choice. Words that could mean either ("belum": not yet,
// "sudah": already) are left out and get a re-prompt.
var synonyms = map[string]meaning{
	"ya": meansYes, "iya": meansYes, "iy": meansYes, "y": meansYes, "yes": meansYes, "yup": meansYes,
	"yep": meansYes, "betul": meansYes, "benar": meansYes, "bener": meansYes,
	"tidak": meansNo, "tdk": meansNo, "nggak": meansNo, "ngga": meansNo, "gak": meansNo, "ga": meansNo,
	"enggak": meansNo, "engga": meansNo, "no": meansNo, "n": meansNo, "nope": meansNo, "bukan": meansNo,
	"tidak tahu": meansUnknown, "tidak tau": meansUnknown, "nggak tahu": meansUnknown, "gak tau": meansUnknown,
	"ga tau": meansUnknown, "gatau": meansUnknown, "gak tahu": meansUnknown, "ga tahu": meansUnknown,
	"entah": meansUnknown, "dont know": meansUnknown, "do not know": meansUnknown,
	"i dont know": meansUnknown, "idk": meansUnknown, "not sure": meansUnknown,
}

// matchChoice reads typed text as an answer to step s, among the choices
// offered: a value in a choice's range ("17", "17 tahun" for an age), else
// the choice's number (1 for the first), its label in the user's language
// (or the other one), or a common synonym.
func matchChoice(ct *Content, lang string, s *flows.Step, choices []*flows.Choice, text string) (string, bool) {
	if t := strings.TrimSpace(text); strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		return "", false // "-1" is not the first answer
	}
	norm := normalize(text)
	if norm == "" {
		return "", false
	}
	if ranged(choices) {
		// Typed numbers are values here, never button positions: "1"
		// must not pick "Under 18".
		if n, ok := leadingNumber(norm); ok {
			for _, ch := range choices {
				if len(ch.Range) == 2 && n >= ch.Range[0] && n <= ch.Range[1] {
					return ch.ID, true
				}
			}
			return "", false
		}
	} else if n, err := strconv.Atoi(norm); err == nil {
		if n >= 1 && n <= len(choices) {
			return choices[n-1].ID, true
		}
		return "", false
	}
	// The label in the chat's language first, then in the others: a
	// user may type the words of the language they did not pick.
	langs := []string{lang}
	for _, l := range locales.Languages() {
		if l != lang {
			langs = append(langs, l)
		}
	}
	for _, l := range langs {
		for _, ch := range choices {
			if normalize(ct.Msgs.Text(l, ch.Text, false, nil)) == norm ||
				normalize(ct.Msgs.Text(l, ch.Text, true, nil)) == norm {
				return ch.ID, true
			}
		}
	}
	m := synonyms[norm]
	for _, ch := range choices {
		yes := ch.Means == "yes" || (ch.Means == "" && ch.Text == locales.AnswerYes)
		no := ch.Means == "no" || (ch.Means == "" && ch.Text == locales.AnswerNo)
		if (m == meansYes && yes) || (m == meansNo && no) || (m == meansUnknown && ch.Unknown) {
			return ch.ID, true
		}
	}
	return "", false
}

func ranged(choices []*flows.Choice) bool {
	for _, ch := range choices {
		if len(ch.Range) == 2 {
			return true
		}
	}
	return false
}

// leadingNumber reads a typed whole number with the words people type
// around an age: "17", "17 tahun", "umur 17", "usia 17 thn", "I am 17",
// "17 years old", "saya 17", "25thn". Any other word around it means it is
// not an answer.
func leadingNumber(norm string) (int, bool) {
	var num string
	for _, w := range strings.Fields(norm) {
		if i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }); i > 0 && ageWords[w[i:]] {
			w = w[:i] // "25thn"
		}
		switch {
		case ageWords[w]:
		case num == "" && strings.Trim(w, "0123456789") == "":
			num = w
		default:
			return 0, false
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n > 200 {
		return 0, false
	}
	return n, true
}

// ageWords are the words typed around an age, in both languages.
var ageWords = map[string]bool{
	"tahun": true, "thn": true, "th": true, "taun": true, "years": true, "year": true, "yrs": true, "yo": true, "y": true,
	"old": true, "umur": true, "umurku": true, "usia": true, "usiaku": true, "age": true, "aged": true, "im": true,
	"i": true, "am": true, "saya": true, "aku": true, "sy": true, "gw": true, "is": true, "he": true, "she": true,
	"dia": true, "umurnya": true, "usianya": true, "baru": true, "sudah": true, "udah": true,
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
