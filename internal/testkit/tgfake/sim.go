package tgfake

import (
	"fmt"
	"strconv"
	"time"
)

// User is a simulated Telegram user.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string // IETF tag as clients send it: "id", "en-US", "pt-br"
}

// Chat is a test's handle on a simulated chat: it acts as the user (SendText,
// Press) and observes what the bot did (Messages, WaitFor).
type Chat struct {
	ID   int64
	Type string // "private" or "group"
	User User   // the user who writes and presses buttons
	s    *Server
}

// Message is a bot message as it currently is in the chat.
type Message struct {
	ID        int
	ChatID    int64
	Text      string // as the user sees it: after entity parsing
	Raw       string // exactly as the bot sent it (HTML or Markdown source)
	ParseMode string
	Entities  []Entity
	Buttons   [][]Button // current inline keyboard; nil when none
	Keyboard  [][]string // reply keyboard button texts, if one was sent
	Edits     int
	Date      time.Time
}

// CallbackAnswer is what the bot passed to answerCallbackQuery.
type CallbackAnswer struct {
	Text      string
	ShowAlert bool
	URL       string
}

type chatState struct {
	id        int64
	typ       string
	title     string
	user      User
	msgs      []*storedMessage
	byID      map[int]*storedMessage
	nextMsgID int
}

type storedMessage struct {
	id        int
	fromBot   bool
	date      time.Time
	editDate  time.Time
	text      string
	raw       string
	parseMode string
	entities  []Entity
	markup    markup
	edits     int
}

type callbackState struct {
	chatID   int64
	at       time.Time
	answered bool
	answer   CallbackAnswer
}

// NewPrivateChat creates a user and their private chat with the bot. As in
// Telegram, the chat id equals the user id.
func (s *Server) NewPrivateChat(langCode string) *Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.newUser(langCode)
	cs := &chatState{id: u.ID, typ: "private", user: u, byID: map[int]*storedMessage{}, nextMsgID: 1}
	s.chats[cs.id] = cs
	return &Chat{ID: cs.id, Type: cs.typ, User: u, s: s}
}

// NewGroupChat creates a group (negative id) with one member who acts in it.
func (s *Server) NewGroupChat() *Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextGroup++
	u := s.newUser("en")
	cs := &chatState{
		id: -s.nextGroup, typ: "group", title: fmt.Sprintf("Test group %d", s.nextGroup),
		user: u, byID: map[int]*storedMessage{}, nextMsgID: 1,
	}
	s.chats[cs.id] = cs
	return &Chat{ID: cs.id, Type: cs.typ, User: u, s: s}
}

func (s *Server) newUser(langCode string) User {
	s.nextUserID++
	id := s.nextUserID
	return User{
		ID: id, FirstName: "Test", LastName: strconv.FormatInt(id, 10),
		Username: "user" + strconv.FormatInt(id, 10), LanguageCode: langCode,
	}
}

// Chat returns the handle of a chat created earlier, or nil.
func (s *Server) Chat(id int64) *Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.chats[id]
	if !ok {
		return nil
	}
	return &Chat{ID: cs.id, Type: cs.typ, User: cs.user, s: s}
}

func (cs *chatState) add(m *storedMessage) *storedMessage {
	m.id = cs.nextMsgID
	cs.nextMsgID++
	cs.msgs = append(cs.msgs, m)
	cs.byID[m.id] = m
	return m
}

// SendText sends text from the user to the bot and queues the update. A
// leading /command gets its bot_command entity, which command matchers need.
func (c *Chat) SendText(text string) (updateID int) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[c.ID]
	m := cs.add(&storedMessage{date: unixNow(), text: text, raw: text, entities: commandEntities(text)})
	return s.enqueue(cs.id, "message", s.wireMessage(cs, m))
}

// Press simulates the user tapping an inline button with this callback data
// under message messageID; it queues a callback_query update with the
// message as it is now. The data is not checked against the keyboard, so a
// test can also send stale or forged data.
func (c *Chat) Press(messageID int, data string) (callbackQueryID string) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[c.ID]
	s.nextQuery++
	id := strconv.FormatUint(uint64(4_000_000_000_000_000_000)+uint64(s.nextQuery), 10)
	cq := wireCallbackQuery{
		ID: id, From: cs.user.wire(), Data: data,
		ChatInstance: strconv.FormatInt(cs.id*7919+13, 10),
	}
	if m, ok := cs.byID[messageID]; ok {
		cq.Message = s.wireMessage(cs, m)
	} else {
		cq.Message = wireInaccessible{Chat: cs.wire(), MessageID: messageID}
	}
	s.queries[id] = &callbackState{chatID: cs.id, at: time.Now()}
	s.enqueue(cs.id, "callback_query", cq)
	return id
}

// PressButton presses the callback button labelled text on message
// messageID; ok is false when there is no such callback button.
func (c *Chat) PressButton(messageID int, text string) (callbackQueryID string, ok bool) {
	for _, m := range c.Messages() {
		if m.ID != messageID {
			continue
		}
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Text == text && b.Kind == "callback_data" {
					return c.Press(messageID, b.CallbackData), true
				}
			}
		}
	}
	return "", false
}

// Messages returns the bot's messages in this chat, oldest first, as they
// are now (after edits).
func (c *Chat) Messages() []Message {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.messagesLocked()
}

func (c *Chat) messagesLocked() []Message {
	var out []Message
	for _, m := range c.s.chats[c.ID].msgs {
		if m.fromBot {
			out = append(out, m.public(c.ID))
		}
	}
	return out
}

// Last returns the bot's latest message, or a zero Message.
func (c *Chat) Last() Message {
	msgs := c.Messages()
	if len(msgs) == 0 {
		return Message{}
	}
	return msgs[len(msgs)-1]
}

// WaitFor waits until one of the bot's messages satisfies match and returns
// the newest such message. It wakes on every change instead of polling.
func (c *Chat) WaitFor(match func(Message) bool, timeout time.Duration) (Message, bool) {
	var found Message
	ok := c.s.waitUntil(timeout, func() bool {
		msgs := c.messagesLocked()
		for i := len(msgs) - 1; i >= 0; i-- {
			if match(msgs[i]) {
				found = msgs[i]
				return true
			}
		}
		return false
	})
	return found, ok
}

// WaitMessages waits until the bot has sent at least n messages here.
func (c *Chat) WaitMessages(n int, timeout time.Duration) ([]Message, bool) {
	var msgs []Message
	ok := c.s.waitUntil(timeout, func() bool {
		msgs = c.messagesLocked()
		return len(msgs) >= n
	})
	return msgs, ok
}

// Answered reports whether the bot answered this callback query.
func (c *Chat) Answered(callbackQueryID string) bool {
	_, ok := c.Answer(callbackQueryID)
	return ok
}

// Answer returns the bot's answer to a callback query, if it gave one.
func (c *Chat) Answer(callbackQueryID string) (CallbackAnswer, bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	q, ok := c.s.queries[callbackQueryID]
	if !ok || !q.answered || q.chatID != c.ID {
		return CallbackAnswer{}, false
	}
	return q.answer, true
}

// WaitAnswered waits until the bot answers the callback query.
func (c *Chat) WaitAnswered(callbackQueryID string, timeout time.Duration) bool {
	return c.s.waitUntil(timeout, func() bool {
		q, ok := c.s.queries[callbackQueryID]
		return ok && q.answered
	})
}

func (m *storedMessage) public(chatID int64) Message {
	out := Message{
		ID: m.id, ChatID: chatID, Text: m.text, Raw: m.raw, ParseMode: m.parseMode,
		Entities: append([]Entity(nil), m.entities...), Edits: m.edits, Date: m.date,
	}
	for _, row := range m.markup.inline {
		out.Buttons = append(out.Buttons, append([]Button(nil), row...))
	}
	for _, row := range m.markup.keyboard {
		out.Keyboard = append(out.Keyboard, append([]string(nil), row...))
	}
	return out
}

// commandEntities finds /commands (optionally /command@bot) at the start of
// the text or after whitespace, as Telegram marks them.
func commandEntities(text string) []Entity {
	var ents []Entity
	u16 := 0
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '/' && (i == 0 || rs[i-1] == ' ' || rs[i-1] == '\n' || rs[i-1] == '\t') {
			j := i + 1
			for j < len(rs) && j-i <= 64 && isCommandRune(rs[j]) {
				j++
			}
			if j > i+1 {
				if j < len(rs) && rs[j] == '@' {
					k := j + 1
					for k < len(rs) && isCommandRune(rs[k]) {
						k++
					}
					if k > j+1 {
						j = k
					}
				}
				ents = append(ents, Entity{Type: "bot_command", Offset: u16, Length: utf16Len(string(rs[i:j]))})
				u16 += utf16Len(string(rs[i:j]))
				i = j - 1
				continue
			}
		}
		u16 += utf16Len(string(rs[i]))
	}
	return ents
}

func isCommandRune(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// BlockBot simulates the user blocking the bot, as Telegram reports it:
// sends and edits to the chat answer 403 from now on, and a my_chat_member
// update (the bot's status in the chat changed from "member" to "kicked")
// is queued.
func (c *Chat) BlockBot() (updateID int) {
	return c.botStatus("member", "kicked", true)
}

// UnblockBot undoes BlockBot (the user pressed Restart): a my_chat_member
// update from "kicked" to "member".
func (c *Chat) UnblockBot() (updateID int) {
	return c.botStatus("kicked", "member", false)
}

func (c *Chat) botStatus(from, to string, blocked bool) int {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[c.ID]
	if blocked {
		s.blocked[cs.id] = true
	} else {
		delete(s.blocked, cs.id)
	}
	member := func(status string) map[string]any {
		m := map[string]any{"status": status, "user": s.botUser()}
		if status == "kicked" {
			m["until_date"] = 0
		}
		return m
	}
	return s.enqueue(cs.id, "my_chat_member", map[string]any{
		"chat": cs.wire(), "from": cs.user.wire(), "date": unixNow().Unix(),
		"old_chat_member": member(from), "new_chat_member": member(to),
	})
}
