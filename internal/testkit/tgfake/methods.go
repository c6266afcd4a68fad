package tgfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (s *Server) getMe(_ *http.Request, _ params) (any, *apiError) {
	return s.botUser(), nil
}

// chatFor resolves chat_id to a chat the test created. Call with s.mu held.
func (s *Server) chatFor(p params) (*chatState, *apiError) {
	raw := strings.TrimSpace(p["chat_id"])
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, errChatNotFound() // "@username" of a chat the fake does not know
	}
	cs, ok := s.chats[id]
	if !ok {
		return nil, errChatNotFound()
	}
	return cs, nil
}

func (s *Server) forbidden(chatID int64) *apiError {
	if !s.blocked[chatID] {
		return nil
	}
	s.stats.Forbidden++
	return &apiError{code: 403, description: "Forbidden: bot was blocked by the user", noRecord: true}
}

func (s *Server) sendMessage(_ *http.Request, p params) (any, *apiError) {
	mk, aerr := parseMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	f, aerr := formatText(p["text"], p["parse_mode"], p["entities"])
	if aerr != nil {
		return nil, aerr
	}
	if p.has("link_preview_options") && !json.Valid([]byte(p["link_preview_options"])) {
		return nil, badRequest("can't parse link preview options JSON object")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, aerr := s.chatFor(p)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.checkReplyTo(cs, p); aerr != nil {
		return nil, aerr
	}
	if aerr := s.forbidden(cs.id); aerr != nil {
		return nil, aerr
	}
	if aerr := s.noteSend(cs); aerr != nil {
		return nil, aerr
	}
	m := cs.add(&storedMessage{
		fromBot: true, date: unixNow(), text: f.text, raw: p["text"], parseMode: p["parse_mode"],
		entities: f.entities, markup: mk,
	})
	s.stats.MessagesSent++
	s.broadcast()
	return s.wireMessage(cs, m), nil
}

// checkReplyTo rejects a reply to a message that does not exist unless the
// bot allowed sending without it. Call with s.mu held.
func (s *Server) checkReplyTo(cs *chatState, p params) *apiError {
	var rp struct {
		MessageID int  `json:"message_id"`
		AllowMiss bool `json:"allow_sending_without_reply"`
	}
	if p.has("reply_parameters") {
		if json.Unmarshal([]byte(p["reply_parameters"]), &rp) != nil {
			return badRequest("can't parse reply parameters JSON object")
		}
	} else if id, ok := p.int64Param("reply_to_message_id"); ok {
		rp.MessageID, rp.AllowMiss = int(id), p.boolParam("allow_sending_without_reply")
	}
	if rp.MessageID != 0 && !rp.AllowMiss && cs.byID[rp.MessageID] == nil {
		return badRequest("message to be replied not found")
	}
	return nil
}

// editTarget finds the bot message an edit call points at. Call with s.mu held.
func (s *Server) editTarget(p params) (*chatState, *storedMessage, *apiError) {
	if p.has("inline_message_id") {
		return nil, nil, badRequest("MESSAGE_ID_INVALID") // the fake has no inline messages
	}
	cs, aerr := s.chatFor(p)
	if aerr != nil {
		return nil, nil, aerr
	}
	id, ok := p.int64Param("message_id")
	if !ok || id == 0 {
		return nil, nil, badRequest("message identifier is not specified")
	}
	m := cs.byID[int(id)]
	if m == nil {
		return nil, nil, badRequest("message to edit not found")
	}
	if !m.fromBot {
		return nil, nil, badRequest("message can't be edited")
	}
	if aerr := s.forbidden(cs.id); aerr != nil {
		return nil, nil, aerr
	}
	return cs, m, nil
}

// parseEditMarkup accepts only inline keyboards: edits cannot attach reply
// keyboards.
func parseEditMarkup(raw string) (markup, *apiError) {
	mk, aerr := parseMarkup(raw)
	if aerr != nil {
		return markup{}, aerr
	}
	if mk.kind != "" && mk.kind != "inline_keyboard" {
		return markup{}, badRequest("inline keyboard expected")
	}
	return mk, nil
}

const errNotModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// editMessageText replaces text and keyboard; leaving reply_markup out
// removes the keyboard, as in the real API.
func (s *Server) editMessageText(_ *http.Request, p params) (any, *apiError) {
	mk, aerr := parseEditMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	f, aerr := formatText(p["text"], p["parse_mode"], p["entities"])
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, m, aerr := s.editTarget(p)
	if aerr != nil {
		return nil, aerr
	}
	if mk.kind == "" && m.markup.kind != "inline_keyboard" {
		mk = m.markup // a reply keyboard is not the message's to lose
	}
	if f.text == m.text && sameEntities(f.entities, m.entities) && sameKeyboard(mk.inline, m.markup.inline) {
		return nil, badRequest(errNotModified)
	}
	m.text, m.raw, m.parseMode, m.entities, m.markup = f.text, p["text"], p["parse_mode"], f.entities, mk
	s.edited(m)
	return s.wireMessage(cs, m), nil
}

// edited bumps a message's edit counters. Call with s.mu held.
func (s *Server) edited(m *storedMessage) {
	m.edits++
	m.editDate = unixNow()
	s.stats.Edits++
	s.broadcast()
}

func (s *Server) answerCallbackQuery(_ *http.Request, p params) (any, *apiError) {
	if utf16Len(p["text"]) > maxAnswerTextLen {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queries[p["callback_query_id"]]
	if q == nil || q.answered || s.callbackTTL > 0 && time.Since(q.at) > s.callbackTTL {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	q.answered = true
	q.answer = CallbackAnswer{Text: p["text"], ShowAlert: p.boolParam("show_alert"), URL: p["url"]}
	s.broadcast()
	return true, nil
}
