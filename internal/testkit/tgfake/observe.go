package tgfake

import (
	"strconv"
	"strings"
	"time"
)

// Call is one Bot API call as the fake answered it: what a load tool
// watches to time a reply from the user's side (the moment the fake holds
// the new screen) and to count messages per second as Telegram would.
type Call struct {
	Method    string // lower case, as in Stats.Calls
	ChatID    int64  // the chat sent to or edited in; for answerCallbackQuery, the chat of the query
	MessageID int    // editMessageText's message_id (0 for other methods)
	Keyboard  bool   // the call set an inline keyboard
	QueryID   string // answerCallbackQuery's callback_query_id
	Text      string // answerCallbackQuery's text (the toast)
	Code      int    // 200, or the error code answered (429 when over a limit)
	Arrived   time.Time
	Done      time.Time // the call's effect is visible in the fake (Messages, Answer)
}

// WithCallObserver calls f after each Bot API call is handled (not while
// the fake holds its lock). f runs on the call's goroutine: it must be quick
// and must not call back into the fake's Bot API.
func WithCallObserver(f func(Call)) Option {
	return func(s *Server) { s.observe = f }
}

// observeCall reports a handled call to the observer, if there is one.
func (s *Server) observeCall(method string, p params, code int, arrived time.Time) {
	if s.observe == nil {
		return
	}
	c := Call{Method: method, Code: code, Arrived: arrived, Done: time.Now(),
		Keyboard: strings.Contains(p["reply_markup"], "inline_keyboard")}
	c.ChatID, _ = strconv.ParseInt(strings.TrimSpace(p["chat_id"]), 10, 64)
	if method == "editmessagetext" {
		c.MessageID, _ = strconv.Atoi(strings.TrimSpace(p["message_id"]))
	}
	if method == "answercallbackquery" {
		c.QueryID, c.Text = p["callback_query_id"], p["text"]
		s.mu.Lock()
		if q := s.queries[c.QueryID]; q != nil {
			c.ChatID = q.chatID
		}
		s.mu.Unlock()
	}
	s.observe(c)
}

// Delivery is one attempt to POST an update to the webhook.
type Delivery struct {
	UpdateID int64
	ChatID   int64 // 0 when unknown (InjectUpdate)
	OK       bool  // the webhook answered 2xx
	Attempt  int   // 1 for the first
	Queued   time.Time
	At       time.Time // the webhook's answer came
}

// WithDeliveryObserver calls f after each webhook delivery attempt, on
// the delivery's goroutine and without the fake's lock: a load tool tells
// from it how long an update waited in the fake (refused, or behind
// others) before the bot took it.
func WithDeliveryObserver(f func(Delivery)) Option {
	return func(s *Server) { s.observeHook = f }
}
