package tgfake

import (
	"encoding/json"
	"time"
)

// Wire types: the JSON objects the real API sends, limited to the fields a
// go-telegram/bot client decodes for text messages and callback queries.

type wireUser struct {
	ID                      int64  `json:"id"`
	IsBot                   bool   `json:"is_bot"`
	FirstName               string `json:"first_name"`
	LastName                string `json:"last_name,omitempty"`
	Username                string `json:"username,omitempty"`
	LanguageCode            string `json:"language_code,omitempty"`
	CanJoinGroups           bool   `json:"can_join_groups,omitempty"`
	CanReadAllGroupMessages bool   `json:"can_read_all_group_messages,omitempty"`
	SupportsInlineQueries   bool   `json:"supports_inline_queries,omitempty"`
}

type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

type wireMessage struct {
	MessageID   int                 `json:"message_id"`
	From        *wireUser           `json:"from,omitempty"`
	Chat        wireChat            `json:"chat"`
	Date        int64               `json:"date"`
	EditDate    int64               `json:"edit_date,omitempty"`
	Text        string              `json:"text,omitempty"`
	Entities    []Entity            `json:"entities,omitempty"`
	ReplyMarkup *wireInlineKeyboard `json:"reply_markup,omitempty"`
}

type wireInlineKeyboard struct {
	InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
}

type wireCallbackQuery struct {
	ID           string   `json:"id"`
	From         wireUser `json:"from"`
	Message      any      `json:"message,omitempty"`
	ChatInstance string   `json:"chat_instance"`
	Data         string   `json:"data,omitempty"`
}

// wireInaccessible is what the API sends for a message the bot can no longer
// see; date 0 is how clients tell it apart.
type wireInaccessible struct {
	Chat      wireChat `json:"chat"`
	MessageID int      `json:"message_id"`
	Date      int64    `json:"date"`
}

func (s *Server) botUser() wireUser {
	return wireUser{
		ID: s.botID, IsBot: true, FirstName: "SelfCheck Test Bot", Username: s.botUsername,
		CanJoinGroups: true,
	}
}

func (u User) wire() wireUser {
	return wireUser{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username, LanguageCode: u.LanguageCode}
}

func (c *chatState) wire() wireChat {
	w := wireChat{ID: c.id, Type: c.typ, Title: c.title}
	if c.typ == "private" {
		w.FirstName, w.LastName, w.Username = c.user.FirstName, c.user.LastName, c.user.Username
	}
	return w
}

// wireMessage renders a stored message as the API returns it. Call with s.mu held.
func (s *Server) wireMessage(c *chatState, m *storedMessage) wireMessage {
	w := wireMessage{
		MessageID: m.id, Chat: c.wire(), Date: m.date.Unix(), Text: m.text, Entities: m.entities,
	}
	if m.fromBot {
		bu := s.botUser()
		w.From = &bu
	} else {
		u := c.user.wire()
		w.From = &u
	}
	if !m.editDate.IsZero() {
		w.EditDate = m.editDate.Unix()
	}
	if m.markup.kind == "inline_keyboard" {
		kb := &wireInlineKeyboard{}
		for _, row := range m.markup.inline {
			var r []map[string]json.RawMessage
			for _, b := range row {
				text, _ := json.Marshal(b.Text)
				r = append(r, map[string]json.RawMessage{"text": text, b.Kind: b.raw})
			}
			kb.InlineKeyboard = append(kb.InlineKeyboard, r)
		}
		w.ReplyMarkup = kb
	}
	return w
}

// unixNow is Telegram's "date": whole seconds, never 0 (a zero date marks an
// inaccessible message in go-telegram/bot).
func unixNow() time.Time { return time.Now().Truncate(time.Second) }
