package stats

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/selfcheck-id/selfcheck/flows"
)

// Messages gives the text of a message; *locales.Catalog is one.
type Messages interface {
	Text(lang, id string, other bool, data map[string]any) string
}

// LabelLang is the language of the labels in charts: organisers and
// funders read English more often than the users' Indonesian.
const LabelLang = "en"

// LabelMax is how many characters a label keeps before an ellipsis.
const LabelMax = 56

// Layout is every row a report lists, whatever was counted: each question
// of the served flow with each of its choices, each verdict band and each
// end step. Listing them all, zeros included, is what keeps a small
// campaign's report the same whatever its few people answered: a row that
// appeared only when someone gave that answer would name the answer.
type Layout struct {
	// Flow and Version name the flow the rows come from; Lang is the
	// language of the labels and texts.
	Flow    string
	Version int
	Lang    string
	// Questions in the flow's order.
	Questions []Question
	// Bands lowest first.
	Bands []Item
	// Ends are the end steps (the emergency help screens): checks that
	// ended there got help instead of a verdict.
	Ends []Item
}

// Item is one band or end step.
type Item struct {
	ID    string
	Label string // for people: the message's text, shortened for a chart
	Text  string // the message's first sentence or paragraph, whole
}

// Question is one step with choices.
type Question struct {
	ID    string
	Label string // the question, shortened for a chart
	Text  string // the question as asked (its sentence that asks)
	// Choices are the choice ids in button order, ChoiceText their
	// labels.
	Choices    []string
	ChoiceText []string
	// Conditional: the step has a `when` and is asked only when earlier
	// answers make it apply, so fewer people reaching it is no drop-out.
	Conditional bool
	// Emergency: the step belongs to the emergency path, not the check.
	Emergency bool
}

// NewLayout lists the rows of f with labels in LabelLang; see LayoutIn.
func NewLayout(f *flows.Flow, msgs Messages) *Layout { return LayoutIn(f, msgs, LabelLang) }

// LayoutIn lists the rows of f. Labels come from msgs in lang; with msgs
// nil (or a message missing) a label is the step's, choice's or band's id.
func LayoutIn(f *flows.Flow, msgs Messages, lang string) *Layout {
	text := func(id, fallback string) string {
		if msgs == nil || id == "" {
			return fallback
		}
		if s := msgs.Text(lang, id, false, nil); s != "" && s != id {
			return s
		}
		return fallback
	}
	l := &Layout{Flow: f.ID, Version: f.Version, Lang: lang}
	for _, b := range f.Bands {
		first := firstSentence(text(b.Text, b.ID))
		l.Bands = append(l.Bands, Item{b.ID, Shorten(drawable(first), LabelMax), first})
	}
	emergency := flows.EmergencySteps(f)
	for _, id := range f.StepOrder {
		s := f.Steps[id]
		if s == nil {
			continue
		}
		if s.IsEnd() {
			first := firstParagraph(text(s.Text, id))
			l.Ends = append(l.Ends, Item{id, Shorten(first, LabelMax), first})
			continue
		}
		asked := text(s.Text, id)
		q := Question{ID: id, Label: QuestionLabel(asked), Text: questionText(asked), Conditional: len(s.When) > 0,
			Emergency: emergency[id]}
		for _, c := range s.Choices {
			q.Choices = append(q.Choices, c.ID)
			q.ChoiceText = append(q.ChoiceText, strings.Join(strings.Fields(text(c.Text, c.ID)), " "))
		}
		l.Questions = append(l.Questions, q)
	}
	return l
}

func (l *Layout) question(id string) *Question {
	for i := range l.Questions {
		if l.Questions[i].ID == id {
			return &l.Questions[i]
		}
	}
	return nil
}

// QuestionLabel shortens a question's text to a chart label: its first
// sentence that asks something (the text around a question often explains
// it), else its first sentence, cut to LabelMax characters.
func QuestionLabel(text string) string {
	ss := sentences(text)
	for _, s := range ss {
		if strings.HasSuffix(s, "?") {
			return Shorten(s, LabelMax)
		}
	}
	if len(ss) == 0 {
		return ""
	}
	return Shorten(ss[0], LabelMax)
}

// drawable is s without the symbols before its first letter or digit: a
// band's label starts with a coloured dot (an emoji) that the charts' font
// has no glyph for, and the bar has the colour anyway.
func drawable(s string) string {
	return strings.TrimLeftFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// questionText is the sentence of text that asks, whole (else its first).
func questionText(text string) string {
	ss := sentences(text)
	for _, s := range ss {
		if strings.HasSuffix(s, "?") {
			return s
		}
	}
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// sentences splits text at the end of each sentence and line.
func sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		start := 0
		for i := 0; i < len(line); i++ {
			c := line[i]
			if (c == '.' || c == '?' || c == '!') && (i+1 == len(line) || line[i+1] == ' ') {
				out = appendTrimmed(out, line[start:i+1])
				start = i + 1
			}
		}
		out = appendTrimmed(out, line[start:])
	}
	return out
}

func appendTrimmed(xs []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		xs = append(xs, s)
	}
	return xs
}

// firstSentence is the first sentence of text without its full stop.
func firstSentence(text string) string {
	ss := sentences(text)
	if len(ss) == 0 {
		return text
	}
	return strings.TrimSuffix(ss[0], ".")
}

// firstParagraph is text up to its first empty line, on one line.
func firstParagraph(text string) string {
	p, _, _ := strings.Cut(text, "\n\n")
	return strings.Join(strings.Fields(p), " ")
}

// Shorten cuts s to at most n characters, at a word boundary when one is
// near, ending with an ellipsis when anything was cut.
func Shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	cut := string(r[:n-1])
	if r[n-1] != ' ' { // mid-word: back to the word's start when it is near
		if i := strings.LastIndexByte(cut, ' '); i >= len(cut)*2/3 {
			cut = cut[:i]
		}
	}
	return strings.TrimRight(cut, " ,;:-(") + "…"
}
