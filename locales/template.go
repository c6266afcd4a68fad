package locales

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A message is text with fields: {{.N}} stands for a value the bot gives
// when it renders the message (see Fields). That is the whole language:
// no range, if, with, template, variables, functions or pipelines. A
// message file is data that anyone who edits the content writes, and a
// reload takes it in a running bot; with Go templates one line
// ({{range 100000000}}x{{end}}) took the bot to 3 GB at its first render,
// and a broken one ({{.NoSuchKey}}) showed users "<no value>". A message
// with only fields renders in one pass to its text plus the values, so it
// cannot loop, call anything or grow beyond what it shows, and every
// mistake in it is found when the file is loaded.
type message struct {
	parts []part
	size  int // the literal text's length, and room for the values
}

// part is literal text, or a field when field is set.
type part struct {
	text, field string
}

var (
	fieldRe   = regexp.MustCompile(`^\s*\.([A-Za-z][A-Za-z0-9_]*)\s*$`)
	keywordRe = regexp.MustCompile(`^\s*-?\s*(range|if|else|end|with|template|define|block|break|continue)\b`)
)

// parseMessage reads text into a message, or says what in it is not a
// plain field. A "}}" alone is text; a "{{" always opens a field.
func parseMessage(text string) (message, error) {
	var m message
	for rest := text; rest != ""; {
		open := strings.Index(rest, "{{")
		if open < 0 {
			m.parts = append(m.parts, part{text: rest})
			break
		}
		if open > 0 {
			m.parts = append(m.parts, part{text: rest[:open]})
		}
		end := strings.Index(rest[open:], "}}")
		if end < 0 {
			return message{}, fmt.Errorf("%q has no closing }}", clip(rest[open:]))
		}
		action := rest[open : open+end+2]
		inner := action[2 : len(action)-2]
		sub := fieldRe.FindStringSubmatch(inner)
		switch {
		case keywordRe.MatchString(inner):
			return message{}, fmt.Errorf("%s is not allowed: a message may only show fields, like {{.N}} (%s)", clip(action), fieldList())
		case sub == nil:
			return message{}, fmt.Errorf("%s is not a field: only a field, like {{.N}}, may stand between {{ and }} (%s)", clip(action), fieldList())
		case !isField(sub[1]):
			return message{}, fmt.Errorf("{{.%s}} is not a field the bot fills (%s)", sub[1], fieldList())
		}
		m.parts = append(m.parts, part{field: sub[1]})
		rest = rest[open+end+2:]
	}
	for _, p := range m.parts {
		m.size += len(p.text)
		if p.field != "" {
			m.size += 32
		}
	}
	return m, nil
}

// render writes the message with the values in data. A field without a
// value renders as nothing, never as "<no value>"; missing names those
// fields, for validation (the bot itself ignores them: {{.Country}} before
// the country is chosen is empty).
func (m message) render(data map[string]any) (text string, missing []string) {
	if len(m.parts) == 1 && m.parts[0].field == "" {
		return m.parts[0].text, nil
	}
	var b strings.Builder
	b.Grow(m.size)
	for _, p := range m.parts {
		if p.field == "" {
			b.WriteString(p.text)
			continue
		}
		switch v := data[p.field].(type) {
		case nil:
			missing = append(missing, p.field)
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		default:
			fmt.Fprint(&b, v)
		}
	}
	return b.String(), missing
}

// clip shortens what a problem quotes from a long message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "..."
	}
	return s
}
