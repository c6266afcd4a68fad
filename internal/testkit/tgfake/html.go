package tgfake

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Entity is a formatting span of a message, in UTF-16 code units as the Bot
// API counts them.
type Entity struct {
	Type     string `json:"type"`
	Offset   int    `json:"offset"`
	Length   int    `json:"length"`
	URL      string `json:"url,omitempty"`
	Language string `json:"language,omitempty"`
	EmojiID  string `json:"custom_emoji_id,omitempty"`
}

// formatted is the text a user sees plus its entities.
type formatted struct {
	text     string
	entities []Entity
}

// utf16Len counts UTF-16 code units, the unit of every Telegram length limit
// and entity offset. Text is checked to be valid UTF-8 before it gets here.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// htmlTags maps the supported start tags to entity types. Anything else is
// "Unsupported start tag", as in the real parser.
var htmlTags = map[string]string{
	"b": "bold", "strong": "bold",
	"i": "italic", "em": "italic",
	"u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
	"tg-spoiler": "spoiler", "span": "spoiler",
	"a": "text_link", "code": "code", "pre": "pre",
	"blockquote": "blockquote", "tg-emoji": "custom_emoji",
}

type openTag struct {
	name, arg  string
	utf16Start int
}

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// parseHTML follows the structure and error wording of the Bot API's HTML
// parser (tdlib), with one deliberate difference: a '&' that does not start
// &lt; &gt; &amp; &quot; or a numeric reference (with ';') is an error here,
// while tdlib keeps it literally. The documentation requires escaping it, and
// a test should catch the missing html.EscapeString before a user sees
// "&nbsp;" verbatim.
func parseHTML(src string) (formatted, error) {
	var out strings.Builder
	var ents []Entity
	var stack []openTag
	u16 := 0
	emit := func(s string) { out.WriteString(s); u16 += utf16Len(s) }
	n := len(src)
	at := func(i int) byte {
		if i < n {
			return src[i]
		}
		return 0
	}
	for i := 0; i < n; {
		c := src[i]
		if c == '&' {
			r, size := decodeHTMLEntity(src[i:])
			if size == 0 {
				return formatted{}, fmt.Errorf("unsupported HTML entity at byte offset %d: escape '&' as &amp;", i)
			}
			emit(string(r))
			i += size
			continue
		}
		if c != '<' {
			_, size := utf8.DecodeRuneInString(src[i:])
			emit(src[i : i+size])
			i += size
			continue
		}
		begin := i
		i++
		if at(i) != '/' {
			for i < n && !isHTMLSpace(src[i]) && src[i] != '>' {
				i++
			}
			if i >= n {
				return formatted{}, fmt.Errorf("unclosed start tag at byte offset %d", begin)
			}
			name := strings.ToLower(src[begin+1 : i])
			if _, ok := htmlTags[name]; !ok {
				return formatted{}, fmt.Errorf("unsupported start tag \"%s\" at byte offset %d", name, begin)
			}
			arg, next, err := parseHTMLAttrs(src, i, begin, name)
			if err != nil {
				return formatted{}, err
			}
			i = next + 1 // skip '>'
			if name == "span" && arg != "spoiler" {
				return formatted{}, fmt.Errorf("tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
			}
			stack = append(stack, openTag{name: name, arg: arg, utf16Start: u16})
			continue
		}
		if len(stack) == 0 {
			return formatted{}, fmt.Errorf("unexpected end tag at byte offset %d", begin)
		}
		i++ // skip '/'
		nameStart := i
		for i < n && !isHTMLSpace(src[i]) && src[i] != '>' {
			i++
		}
		endName := strings.ToLower(src[nameStart:i])
		for i < n && isHTMLSpace(src[i]) {
			i++
		}
		if at(i) != '>' {
			return formatted{}, fmt.Errorf("unclosed end tag at byte offset %d", begin)
		}
		i++
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if endName != "" && endName != top.name {
			return formatted{}, fmt.Errorf("unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.name, endName)
		}
		ents = addHTMLEntity(ents, top, u16)
	}
	if len(stack) > 0 {
		return formatted{}, fmt.Errorf("can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	return formatted{text: out.String(), entities: sortEntities(ents)}, nil
}

// parseHTMLAttrs reads attributes from src[i] up to the closing '>' and
// returns the one that matters for the tag (href, class, emoji-id, ...) and
// the index of '>'.
func parseHTMLAttrs(src string, i, begin int, tag string) (arg string, end int, err error) {
	n := len(src)
	for {
		for i < n && isHTMLSpace(src[i]) {
			i++
		}
		if i >= n {
			return "", 0, fmt.Errorf("unclosed start tag at byte offset %d", begin)
		}
		if src[i] == '>' {
			return arg, i, nil
		}
		nameStart := i
		for i < n && !isHTMLSpace(src[i]) && src[i] != '=' && src[i] != '>' {
			i++
		}
		attr := strings.ToLower(src[nameStart:i])
		if attr == "" {
			return "", 0, fmt.Errorf("empty attribute name in the tag \"%s\" at byte offset %d", tag, begin)
		}
		for i < n && isHTMLSpace(src[i]) {
			i++
		}
		value := ""
		if i < n && src[i] == '=' {
			i++
			for i < n && isHTMLSpace(src[i]) {
				i++
			}
			if i >= n {
				return "", 0, fmt.Errorf("unclosed start tag \"%s\" at byte offset %d", tag, begin)
			}
			if q := src[i]; q == '"' || q == '\'' {
				j := strings.IndexByte(src[i+1:], q)
				if j < 0 {
					return "", 0, fmt.Errorf("unclosed start tag at byte offset %d", begin)
				}
				raw := src[i+1 : i+1+j]
				i += j + 2
				value, err = unescapeAttr(raw, i)
				if err != nil {
					return "", 0, err
				}
			} else {
				start := i
				for i < n && (isAlnum(src[i]) || src[i] == '.' || src[i] == '-') {
					i++
				}
				if i < n && !isHTMLSpace(src[i]) && src[i] != '>' {
					return "", 0, fmt.Errorf("unexpected end of name token at byte offset %d", start)
				}
				value = strings.ToLower(src[start:i])
			}
		} else if attr != "expandable" {
			return "", 0, fmt.Errorf("expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", tag, begin)
		}
		switch {
		case tag == "a" && attr == "href":
			arg = value
		case tag == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
			arg = value[len("language-"):]
		case tag == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
			arg = value[len("tg-"):]
		case tag == "tg-emoji" && attr == "emoji-id":
			arg = value
		case tag == "blockquote" && attr == "expandable":
			arg = "1"
		}
	}
}

func unescapeAttr(raw string, pos int) (string, error) {
	var b strings.Builder
	for i := 0; i < len(raw); {
		if raw[i] == '&' {
			r, size := decodeHTMLEntity(raw[i:])
			if size == 0 {
				return "", fmt.Errorf("unsupported HTML entity in an attribute value before byte offset %d: escape '&' as &amp;", pos)
			}
			b.WriteRune(r)
			i += size
			continue
		}
		b.WriteByte(raw[i])
		i++
	}
	return b.String(), nil
}

// decodeHTMLEntity decodes &lt; &gt; &amp; &quot; &#NN; &#xHH; at the start
// of s and returns the rune and the bytes consumed, or size 0.
func decodeHTMLEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return 0, 0
	}
	name := s[1:end]
	switch name {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	var v rune
	for _, d := range digits {
		var x rune
		switch {
		case d >= '0' && d <= '9':
			x = d - '0'
		case base == 16 && d >= 'a' && d <= 'f':
			x = d - 'a' + 10
		case base == 16 && d >= 'A' && d <= 'F':
			x = d - 'A' + 10
		default:
			return 0, 0
		}
		v = v*rune(base) + x
		if v >= 0x10ffff {
			return 0, 0
		}
	}
	if digits == "" || v == 0 {
		return 0, 0
	}
	return v, end + 1
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// addHTMLEntity turns a closed tag into an entity; empty spans produce none,
// as in Telegram. <pre><code class="language-x"> becomes one pre entity with
// a language.
func addHTMLEntity(ents []Entity, t openTag, end int) []Entity {
	length := end - t.utf16Start
	if length <= 0 {
		return ents
	}
	e := Entity{Type: htmlTags[t.name], Offset: t.utf16Start, Length: length}
	switch t.name {
	case "a":
		if t.arg == "" {
			return ents
		}
		e.URL = t.arg
	case "code":
		// Kept only until an enclosing <pre> closes; see sortEntities.
		e.Language = t.arg
	case "pre":
		// <pre><code class="language-x">...</code></pre> is one pre entity
		// with a language.
		if len(ents) > 0 {
			last := ents[len(ents)-1]
			if last.Type == "code" && last.Offset == e.Offset && last.Length == e.Length {
				e.Language = last.Language
				ents = ents[:len(ents)-1]
			}
		}
	case "blockquote":
		if t.arg == "1" {
			e.Type = "expandable_blockquote"
		}
	case "tg-emoji":
		e.EmojiID = t.arg
	}
	return append(ents, e)
}

// sortEntities orders entities by offset, outer before inner, as Telegram
// returns them, and drops the parser's temporary code languages.
func sortEntities(ents []Entity) []Entity {
	for i := range ents {
		if ents[i].Type == "code" {
			ents[i].Language = ""
		}
	}
	for i := 1; i < len(ents); i++ {
		for j := i; j > 0; j-- {
			a, b := ents[j-1], ents[j]
			if a.Offset < b.Offset || a.Offset == b.Offset && a.Length >= b.Length {
				break
			}
			ents[j-1], ents[j] = b, a
		}
	}
	return ents
}
