package tgfake

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of the Bot API that the fake enforces.
const (
	maxTextLen         = 4096 // UTF-16 units after entity parsing
	maxCallbackData    = 64   // bytes
	maxButtons         = 100
	maxAnswerTextLen   = 200
	maxCommands        = 100
	maxCommandDescLen  = 256
	maxSecretTokenLen  = 256
	entityErrorsPrefix = "can't parse entities: "
)

// formatText applies parse_mode (or explicit entities) to text and checks
// the length rules, returning what the user would see.
func formatText(text, parseMode, entitiesJSON string) (formatted, *apiError) {
	if !utf8.ValidString(text) {
		return formatted{}, badRequest("text must be encoded in UTF-8")
	}
	var f formatted
	var err error
	switch {
	case entitiesJSON != "":
		// Explicit entities win over parse_mode, as in the real API.
		f.text = text
		if jerr := json.Unmarshal([]byte(entitiesJSON), &f.entities); jerr != nil {
			return formatted{}, badRequest("can't parse entities JSON object")
		}
		for _, e := range f.entities {
			if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > utf16Len(text) {
				return formatted{}, badRequest("entity beginning at UTF-16 offset %d is out of the text", e.Offset)
			}
		}
	case parseMode == "":
		f.text = text
	case strings.EqualFold(parseMode, "HTML"):
		f, err = parseHTML(text)
	case strings.EqualFold(parseMode, "MarkdownV2"), strings.EqualFold(parseMode, "Markdown"):
		// Real, but the bot sends HTML only: the fake refuses loudly
		// rather than keep a parser nothing exercises.
		return formatted{}, badRequest("tgfake: parse_mode %s is not modelled (the bot sends HTML)", parseMode)
	default:
		return formatted{}, badRequest("unsupported parse_mode")
	}
	if err != nil {
		return formatted{}, badRequest("%s%s", entityErrorsPrefix, err.Error())
	}
	if strings.TrimSpace(f.text) == "" {
		return formatted{}, badRequest("message text is empty")
	}
	if utf16Len(f.text) > maxTextLen {
		return formatted{}, badRequest("message is too long")
	}
	return f, nil
}

// Button is one inline keyboard button as the fake stored it.
type Button struct {
	Text         string
	CallbackData string
	URL          string
	// Kind names the button's action field: "callback_data", "url",
	// "web_app", "login_url", "switch_inline_query", "copy_text", ...
	Kind string
	raw  json.RawMessage // the action's JSON value, for echoing back
}

// markup is a parsed reply_markup.
type markup struct {
	kind     string // "", "inline_keyboard", "keyboard", "remove_keyboard", "force_reply"
	inline   [][]Button
	keyboard [][]string
}

// inlineActions are the InlineKeyboardButton fields that give a button its
// action; exactly one must be present.
var inlineActions = []string{
	"url", "callback_data", "web_app", "login_url", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
	"copy_text", "callback_game", "pay",
}

// parseMarkup validates reply_markup the way the Bot API does.
func parseMarkup(raw string) (markup, *apiError) {
	if raw == "" {
		return markup{}, nil
	}
	var obj map[string]json.RawMessage
	if !json.Valid([]byte(raw)) {
		return markup{}, badRequest("can't parse reply keyboard markup JSON object")
	}
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return markup{}, badRequest("object expected as reply markup")
	}
	if kb, ok := obj["keyboard"]; ok {
		var rows [][]json.RawMessage
		if json.Unmarshal(kb, &rows) != nil {
			return markup{}, badRequest("field \"keyboard\" must be an Array of Arrays")
		}
		m := markup{kind: "keyboard"}
		for _, row := range rows {
			var texts []string
			for _, b := range row {
				var s string
				var o struct {
					Text *string `json:"text"`
				}
				switch {
				case json.Unmarshal(b, &s) == nil:
				case json.Unmarshal(b, &o) == nil && o.Text != nil:
					s = *o.Text
				default:
					return markup{}, badRequest("can't parse keyboard button: KeyboardButton must be a String or an Object")
				}
				texts = append(texts, s)
			}
			m.keyboard = append(m.keyboard, texts)
		}
		if len(m.keyboard) > 0 {
			return m, nil
		}
	}
	if ik, ok := obj["inline_keyboard"]; ok {
		var rows [][]json.RawMessage
		if json.Unmarshal(ik, &rows) != nil {
			return markup{}, badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
		}
		m := markup{kind: "inline_keyboard"}
		count := 0
		for _, row := range rows {
			var buttons []Button
			for _, rb := range row {
				b, err := parseInlineButton(rb)
				if err != nil {
					return markup{}, err
				}
				buttons = append(buttons, b)
				count++
			}
			m.inline = append(m.inline, buttons)
		}
		if count > maxButtons {
			return markup{}, badRequest("reply markup is too long")
		}
		if count > 0 {
			return m, nil
		}
	}
	for _, f := range []string{"remove_keyboard", "hide_keyboard"} {
		if string(obj[f]) == "true" {
			return markup{kind: "remove_keyboard"}, nil
		}
	}
	if string(obj["force_reply"]) == "true" {
		return markup{kind: "force_reply"}, nil
	}
	return markup{}, nil
}

func parseInlineButton(raw json.RawMessage) (Button, *apiError) {
	const prefix = "can't parse inline keyboard button: "
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return Button{}, badRequest(prefix + "InlineKeyboardButton must be an Object")
	}
	var b Button
	if json.Unmarshal(obj["text"], &b.Text) != nil {
		return Button{}, badRequest(prefix + "Field \"text\" must be of type String")
	}
	var kinds []string
	for _, f := range inlineActions {
		v, ok := obj[f]
		if !ok || string(v) == "null" || string(v) == "false" || string(v) == `""` {
			continue // the real API treats empty url/callback_data as absent
		}
		if f == "copy_text" {
			// go-telegram/bot sends "copy_text":{"text":""} on every button.
			var ct struct{ Text string }
			if json.Unmarshal(v, &ct) == nil && ct.Text == "" {
				continue
			}
		}
		kinds = append(kinds, f)
		b.Kind, b.raw = f, v
	}
	switch {
	case len(kinds) == 0:
		return Button{}, badRequest(prefix + "Text buttons are unallowed in the inline keyboard")
	case len(kinds) > 1:
		return Button{}, badRequest(prefix+"exactly one of the optional fields must be used, found %s", strings.Join(kinds, ", "))
	case strings.TrimSpace(b.Text) == "":
		return Button{}, badRequest("BUTTON_TEXT_INVALID")
	}
	switch b.Kind {
	case "callback_data":
		if json.Unmarshal(b.raw, &b.CallbackData) != nil || len(b.CallbackData) > maxCallbackData {
			return Button{}, badRequest("BUTTON_DATA_INVALID")
		}
	case "url":
		if json.Unmarshal(b.raw, &b.URL) != nil {
			return Button{}, badRequest(prefix + "Field \"url\" must be of type String")
		}
		if reason := checkButtonURL(b.URL); reason != "" {
			return Button{}, badRequest("inline keyboard button URL '%s' is invalid: %s", b.URL, reason)
		}
	}
	return b, nil
}

// checkButtonURL allows what Telegram clients can open from a button:
// http(s) links with a host and tg:// links. tel:, mailto: and friends are
// "Unsupported URL protocol". (tdlib would prefix a scheme-less URL with
// http://; the fake insists on an explicit scheme.)
func checkButtonURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok {
		return "Unsupported URL protocol"
	}
	switch strings.ToLower(scheme) {
	case "tg":
		if !strings.HasPrefix(rest, "//") || len(rest) == 2 {
			return "Wrong URL"
		}
		return ""
	case "http", "https":
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || strings.ContainsAny(u.Host, " \t\n") {
			return "Wrong HTTP URL"
		}
		return ""
	}
	return "Unsupported URL protocol"
}

// sameKeyboard compares two inline keyboards by what a user sees and what a
// press does, which is what "message is not modified" compares.
func sameKeyboard(a, b [][]Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			x, y := a[i][j], b[i][j]
			if x.Text != y.Text || x.Kind != y.Kind || !bytes.Equal(x.raw, y.raw) {
				return false
			}
		}
	}
	return true
}

func sameEntities(a, b []Entity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var (
	commandNameRe = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	secretTokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	langCodeRe    = regexp.MustCompile(`^[a-z]{2}$`)
)

// Command is one bot command as setMyCommands stored it.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

func parseCommands(raw string) ([]Command, *apiError) {
	var cmds []Command
	if raw == "" || json.Unmarshal([]byte(raw), &cmds) != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > maxCommands {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, c := range cmds {
		if !commandNameRe.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(strings.TrimSpace(c.Description)); n < 1 || n > maxCommandDescLen {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	return cmds, nil
}

func checkLanguageCode(code string) *apiError {
	if code != "" && !langCodeRe.MatchString(code) {
		return badRequest("LANG_CODE_INVALID")
	}
	return nil
}

func checkSecretToken(tok string) *apiError {
	switch {
	case tok == "":
		return nil
	case len(tok) > maxSecretTokenLen:
		return badRequest("secret token is too long")
	case !secretTokenRe.MatchString(tok):
		return badRequest("secret token contains unallowed characters")
	}
	return nil
}

// errChatNotFound is the answer for any chat the test did not create.
func errChatNotFound() *apiError { return badRequest("chat not found") }
