package listen

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxRunes bounds the text read: a Telegram message holds at most 4096
// characters; anything longer is read up to here, so reading stays fast
// whatever arrives.
const MaxRunes = 8192

// fuzzyMin is the shortest word a typo is forgiven in: in shorter words one
// wrong letter makes another word ("gaji", "gali").
const fuzzyMin = 6

// words splits text into lowercase words without accents, punctuation or
// letters repeated three times or more ("Tolooong!!" -> "tolong"), each
// spelled the way the phrases are (spelling: "gk" -> "gak"), with the
// number of the sentence each is in (a new one after . ! ? ; or a line
// break, but not the dot inside "15.000").
func words(text string, spelling map[string]string) ([]string, []int) {
	if n := 0; len(text) > MaxRunes {
		for i := range text {
			if n == MaxRunes {
				text = text[:i]
				break
			}
			n++
		}
	}
	var out []string
	var sentence []int
	n := 0
	var b strings.Builder
	var last, prev rune
	run := 0
	flush := func() {
		if b.Len() == 0 {
			return
		}
		w := b.String()
		if n := len(w); n > 2 && w[n-1] == '2' && isLetters(w[:n-1]) {
			w = w[:n-1] // "chat2", "bilang2": Indonesian writes a doubled word with a 2
		}
		if s, ok := spelling[w]; ok {
			w = s
		}
		if i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }); i > 0 && isLetters(w[i:]) {
			// "15jt", "2bln": a number and its unit read as two words.
			unit := w[i:]
			if s, ok := spelling[unit]; ok {
				unit = s
			}
			out = append(out, w[:i], unit)
		} else {
			out = append(out, strings.Fields(w)...)
		}
		for len(sentence) < len(out) {
			sentence = append(sentence, n)
		}
		b.Reset()
		last, run = 0, 0
	}
	for _, r := range norm.NFD.String(text) {
		if endsSentence(r, prev) {
			flush()
			n++
		}
		prev = r
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // an accent: "é" reads as "e"
		case r == '\'' || r == '’':
			continue // "don't" -> "dont"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if r == last {
				run++
			} else {
				last, run = r, 1
			}
			if run == 3 && unicode.IsLetter(r) {
				// The third of a run: drop the second written before it.
				s := b.String()
				b.Reset()
				b.WriteString(s[:len(s)-len(string(r))])
				continue
			}
			if run > 3 && unicode.IsLetter(r) {
				continue
			}
			b.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out, sentence
}

// endsSentence reports whether r ends a sentence: . ! ? ; or a line break,
// but not the dot in "15.000".
func endsSentence(r, prev rune) bool {
	return strings.ContainsRune(".!?;\n", r) && !(r == '.' && unicode.IsDigit(prev))
}

// sentences splits text where words counts a new sentence, so that the
// i-th part is sentence i of words.
func sentences(text string) []string {
	var out []string
	var prev rune
	start := 0
	for i, r := range text {
		if endsSentence(r, prev) {
			out = append(out, text[start:i])
			start = i + len(string(r))
		}
		prev = r
	}
	return append(out, text[start:])
}

// near reports whether a and b differ by at most one letter inserted,
// deleted or changed, for words of fuzzyMin letters or more.
func near(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) < fuzzyMin || len(b) < fuzzyMin {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 || a[0] != b[0] {
		return false // a typo keeps the first letter: "senang" is not "penang"
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:] // one letter changed
	}
	return a[i:] == b[i+1:] // one letter inserted in b
}

// deletes returns w and w with each one letter left out: two words within
// one edit share one of these (the symmetric-delete index).
func deletes(w string) []string {
	out := []string{w}
	for i := range len(w) {
		out = append(out, w[:i]+w[i+1:])
	}
	return out
}

func isLetters(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
