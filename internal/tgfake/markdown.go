package tgfake

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The Markdown parsers follow tdlib's (the Bot API's) structure and error
// wording closely enough that text the real API rejects is rejected here:
// in MarkdownV2 every reserved character outside an entity needs a '\'.

const mdv2Reserved = "_*[]()~`>#+-=|{}.!"

type mdEntity struct {
	typ       string // tdlib's type name, used in error messages
	start     int    // UTF-16 offset in the output
	byteStart int    // byte offset in the source
	textStart int    // byte offset in the output (for [url] without (...))
	language  string
}

var mdEntityTypes = map[string]string{
	"Bold": "bold", "Italic": "italic", "Underline": "underline", "Strikethrough": "strikethrough",
	"Spoiler": "spoiler", "Code": "code", "Pre": "pre", "PreCode": "pre", "TextUrl": "text_link",
	"CustomEmoji": "custom_emoji",
}

// parseMarkdownV2 parses Telegram's MarkdownV2.
func parseMarkdownV2(src string) (formatted, error) {
	var out strings.Builder
	var ents []Entity
	var stack []mdEntity
	u16, n := 0, len(src)
	at := func(i int) byte {
		if i >= 0 && i < n {
			return src[i]
		}
		return 0
	}
	emit := func(s string) { out.WriteString(s); u16 += utf16Len(s) }
	quoteStart := -1
	for i := 0; i < n; i++ {
		c := src[i]
		if c == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
			i++
			emit(src[i : i+1])
			continue
		}
		inCode := len(stack) > 0 && (stack[len(stack)-1].typ == "Code" || strings.HasPrefix(stack[len(stack)-1].typ, "Pre"))
		if c == '>' && !inCode && (i == 0 || src[i-1] == '\n') {
			if quoteStart < 0 {
				quoteStart = u16
			}
			continue
		}
		reserved := mdv2Reserved
		if inCode {
			reserved = "`"
		}
		if strings.IndexByte(reserved, c) < 0 {
			size := runeSize(src, i)
			emit(src[i : i+size])
			i += size - 1
			if c == '\n' && quoteStart >= 0 && at(i+1) != '>' {
				ents = append(ents, Entity{Type: "blockquote", Offset: quoteStart, Length: u16 - quoteStart})
				quoteStart = -1
			}
			continue
		}
		if len(stack) > 0 && mdClosesTop(stack[len(stack)-1].typ, src, i) {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			e := Entity{Type: mdEntityTypes[top.typ], Offset: top.start, Length: u16 - top.start, Language: top.language}
			switch top.typ {
			case "Underline", "Spoiler":
				i++
			case "Pre", "PreCode":
				i += 2
			case "TextUrl", "CustomEmoji":
				url := out.String()[top.textStart:]
				if at(i+1) == '(' {
					var err error
					url, i, err = mdReadURL(src, i+2)
					if err != nil {
						return formatted{}, err
					}
				} else if top.typ == "CustomEmoji" {
					return formatted{}, fmt.Errorf("custom emoji entity must contain a tg://emoji URL")
				}
				if top.typ == "CustomEmoji" {
					e.EmojiID = strings.TrimPrefix(url, "tg://emoji?id=")
				} else if e.URL = url; !plausibleURL(url) {
					e.Length = 0 // tdlib drops a link it cannot parse as a URL
				}
			}
			if e.Length > 0 {
				ents = append(ents, e)
			}
			continue
		}
		start := mdEntity{start: u16, byteStart: i, textStart: out.Len()}
		switch c {
		case '_':
			start.typ = "Italic"
			if at(i+1) == '_' {
				start.typ = "Underline"
				i++
			}
		case '*':
			start.typ = "Bold"
		case '~':
			start.typ = "Strikethrough"
		case '|':
			if at(i+1) != '|' {
				return formatted{}, mdReservedError(c)
			}
			start.typ = "Spoiler"
			i++
		case '[':
			start.typ = "TextUrl"
		case '!':
			if at(i+1) != '[' {
				return formatted{}, mdReservedError(c)
			}
			start.typ = "CustomEmoji"
			i++
		case '`':
			start.typ = "Code"
			if at(i+1) == '`' && at(i+2) == '`' {
				start.typ = "Pre"
				i = mdPreStart(src, i+3, &start) - 1
			}
		default:
			return formatted{}, mdReservedError(c)
		}
		stack = append(stack, start)
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return formatted{}, fmt.Errorf("can't find end of %s entity at byte offset %d", top.typ, top.byteStart)
	}
	if quoteStart >= 0 && u16 > quoteStart {
		ents = append(ents, Entity{Type: "blockquote", Offset: quoteStart, Length: u16 - quoteStart})
	}
	return formatted{text: out.String(), entities: sortEntities(ents)}, nil
}

// runeSize is the byte length of the UTF-8 character at src[i], so that
// multi-byte characters are emitted (and counted in UTF-16) whole.
func runeSize(src string, i int) int {
	_, size := utf8.DecodeRuneInString(src[i:])
	return size
}

func mdReservedError(c byte) error {
	return fmt.Errorf("character '%c' is reserved and must be escaped with the preceding '\\'", c)
}

func mdClosesTop(typ, src string, i int) bool {
	next := func(k int) byte {
		if i+k < len(src) {
			return src[i+k]
		}
		return 0
	}
	c := src[i]
	switch typ {
	case "Bold":
		return c == '*'
	case "Italic":
		return c == '_' && next(1) != '_'
	case "Underline":
		return c == '_' && next(1) == '_'
	case "Strikethrough":
		return c == '~'
	case "Spoiler":
		return c == '|' && next(1) == '|'
	case "Code":
		return c == '`'
	case "Pre", "PreCode":
		return c == '`' && next(1) == '`' && next(2) == '`'
	case "TextUrl", "CustomEmoji":
		return c == ']'
	}
	return false
}

// mdPreStart reads the optional language after ``` and skips one leading
// newline; it returns the index of the first content byte.
func mdPreStart(src string, i int, e *mdEntity) int {
	end := i
	for end < len(src) && !isHTMLSpace(src[end]) && src[end] != '`' {
		end++
	}
	if end != i && end < len(src) && src[end] != '`' {
		e.typ, e.language = "PreCode", src[i:end]
		i = end
	}
	if i < len(src) && (src[i] == '\n' || src[i] == '\r') {
		if i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r') && src[i] != src[i+1] {
			return i + 2
		}
		return i + 1
	}
	return i
}

// mdReadURL reads a (url) body starting after '(' and returns the URL and the
// index of ')'.
func mdReadURL(src string, i int) (string, int, error) {
	begin := i
	var url strings.Builder
	for i < len(src) && src[i] != ')' {
		if src[i] == '\\' && i+1 < len(src) && src[i+1] > 0 && src[i+1] <= 126 {
			url.WriteByte(src[i+1])
			i += 2
			continue
		}
		url.WriteByte(src[i])
		i++
	}
	if i >= len(src) {
		return "", 0, fmt.Errorf("can't find end of a URL at byte offset %d", begin)
	}
	return url.String(), i, nil
}

// parseMarkdown parses the legacy "Markdown" mode: *bold*, _italic_, `code`,
// ```pre```, [text](url); '\' escapes only those four markers.
func parseMarkdown(src string) (formatted, error) {
	var out strings.Builder
	var ents []Entity
	u16, n := 0, len(src)
	at := func(i int) byte {
		if i < n {
			return src[i]
		}
		return 0
	}
	emit := func(s string) { out.WriteString(s); u16 += utf16Len(s) }
	for i := 0; i < n; i++ {
		c := src[i]
		if c == '\\' && strings.IndexByte("_*`[", at(i+1)) >= 0 && at(i+1) != 0 {
			i++
			emit(src[i : i+1])
			continue
		}
		if strings.IndexByte("_*`[", c) < 0 {
			size := runeSize(src, i)
			emit(src[i : i+size])
			i += size - 1
			continue
		}
		begin, end := i, c
		if c == '[' {
			end = ']'
		}
		i++
		pre := mdEntity{}
		isPre := c == '`' && at(i) == '`' && at(i+1) == '`'
		if isPre {
			i = mdPreStart(src, i+2, &pre)
		}
		start, textStart := u16, out.Len()
		for i < n && (src[i] != end || isPre && !(at(i+1) == '`' && at(i+2) == '`')) {
			size := runeSize(src, i)
			emit(src[i : i+size])
			i += size
		}
		if i >= n {
			return formatted{}, fmt.Errorf("can't find end of the entity starting at byte offset %d", begin)
		}
		e := Entity{Offset: start, Length: u16 - start}
		switch {
		case c == '_':
			e.Type = "italic"
		case c == '*':
			e.Type = "bold"
		case isPre:
			e.Type, e.Language = "pre", pre.language
			i += 2
		case c == '`':
			e.Type = "code"
		case c == '[':
			e.Type, e.URL = "text_link", out.String()[textStart:]
			if at(i+1) == '(' {
				j := strings.IndexByte(src[i+2:], ')')
				if j < 0 {
					e.URL, i = src[i+2:], n-1
				} else {
					e.URL, i = src[i+2:i+2+j], i+2+j
				}
			}
		}
		if e.Length > 0 && (e.Type != "text_link" || plausibleURL(e.URL)) {
			ents = append(ents, e)
		}
	}
	return formatted{text: out.String(), entities: sortEntities(ents)}, nil
}

// plausibleURL is a rough stand-in for tdlib's URL check on text links.
func plausibleURL(u string) bool {
	return u != "" && !strings.ContainsAny(u, " \t\n") && strings.Contains(u, ".") || strings.HasPrefix(u, "tg://")
}
