package tgfake

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// The update queue is shared by both delivery modes, as in Telegram: updates
// wait until getUpdates confirms them (offset) or the webhook answers 2xx.

type queuedUpdate struct {
	id       int64
	chatID   int64           // 0 when unknown (InjectUpdate)
	kind     string          // "message", "callback_query", ...
	body     json.RawMessage // the whole Update object
	attempts int             // failed webhook deliveries
	retryAt  time.Time       // no webhook retry before this
	inFlight bool            // being POSTed to the webhook now
	refused  time.Time       // first failed delivery (zero while none failed)
	queued   time.Time       // when it was queued
	chat     *chatCount      // the chat's queued updates; nil when chatID is 0
}

// chatCount is how many updates of one chat are queued: delivery looks for
// an earlier update of the same chat only when there are several, so that
// a queue of thousands of distinct chats stays cheap to scan.
type chatCount struct{ n int }

type updateQueue struct {
	items   []*queuedUpdate // in update id order
	perChat map[int64]*chatCount
	nextID  int64
	pollGen int64    // bumped by each getUpdates; an older waiting call ends with 409
	allowed []string // allowed_updates last given; empty means Telegram's default
}

const (
	errWebhookActive = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
	errTerminated    = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)

// enqueue adds an update of the given kind about chatID. Call with s.mu held.
func (s *Server) enqueue(chatID int64, kind string, payload any) int {
	id := s.updates.nextID
	s.updates.nextID++
	body, err := json.Marshal(map[string]any{"update_id": id, kind: payload})
	if err != nil {
		panic("tgfake: marshal update: " + err.Error()) // our own types always marshal
	}
	s.updates.push(&queuedUpdate{id: id, chatID: chatID, kind: kind, body: body, queued: time.Now()})
	s.stats.UpdatesQueued++
	s.broadcast()
	return int(id)
}

// InjectUpdate queues an arbitrary update, e.g. kind "my_chat_member" with a
// hand-built payload, for cases the Chat helpers do not cover.
func (s *Server) InjectUpdate(kind string, payload any) (updateID int, err error) {
	if _, err := json.Marshal(payload); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueue(0, kind, payload), nil
}

// AllowedUpdates returns the allowed_updates the last getUpdates call
// gave (nil when none has: Telegram's default then applies).
func (s *Server) AllowedUpdates() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.updates.allowed...)
}

// allowedKind applies allowed_updates; by default Telegram leaves out
// chat_member and the reaction updates.
func allowedKind(allowed []string, kind string) bool {
	if len(allowed) == 0 {
		return kind != "chat_member" && kind != "message_reaction" && kind != "message_reaction_count"
	}
	return slices.Contains(allowed, kind)
}

func parseAllowed(raw string) ([]string, *apiError) {
	var list []string
	if raw != "" && json.Unmarshal([]byte(raw), &list) != nil {
		return nil, badRequest("can't parse allowed updates JSON object")
	}
	return list, nil
}

// getUpdates implements long polling: it answers at once when updates are
// waiting, otherwise blocks until one arrives, the timeout passes, the client
// goes away or the server closes.
func (s *Server) getUpdates(r *http.Request, p params) (any, *apiError) {
	offset, ok1 := p.int64Param("offset")
	limit, ok2 := p.int64Param("limit")
	timeout, ok3 := p.int64Param("timeout")
	if !ok1 || !ok2 || !ok3 {
		return nil, badRequest("wrong parameter type")
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	allowed, aerr := parseAllowed(p["allowed_updates"])
	if aerr != nil {
		return nil, aerr
	}
	deadline := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer deadline.Stop()
	expired := timeout <= 0

	s.mu.Lock()
	if s.hook.url != "" {
		s.mu.Unlock()
		return nil, &apiError{code: 409, description: errWebhookActive}
	}
	if p.has("allowed_updates") {
		s.updates.allowed = allowed
	}
	s.updates.pollGen++
	gen := s.updates.pollGen
	s.broadcast() // ends an older waiting getUpdates with 409
	if offset > 0 {
		s.updates.deleteWhere(func(u *queuedUpdate) bool { return u.id < offset })
	}
	for {
		switch {
		case s.hook.url != "":
			s.mu.Unlock()
			return nil, &apiError{code: 409, description: errWebhookActive}
		case s.updates.pollGen != gen:
			s.mu.Unlock()
			return nil, &apiError{code: 409, description: errTerminated, noRecord: clientGone(r)}
		}
		result := s.readyUpdates(offset, int(limit))
		if len(result) > 0 || expired {
			s.mu.Unlock()
			return result, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			expired = true
		case <-r.Context().Done():
			return nil, &apiError{code: 499, description: "client closed request", noRecord: true}
		case <-s.closing:
			return []json.RawMessage{}, nil
		}
		s.mu.Lock()
	}
}

// readyUpdates returns up to limit deliverable updates from offset on,
// dropping those allowed_updates excludes. Call with s.mu held.
func (s *Server) readyUpdates(offset int64, limit int) []json.RawMessage {
	s.updates.deleteWhere(func(u *queuedUpdate) bool {
		return !allowedKind(s.updates.allowed, u.kind)
	})
	items := s.updates.items
	if offset < 0 {
		items = items[max(0, len(items)+int(offset)):]
	}
	result := []json.RawMessage{}
	for _, u := range items {
		if u.id >= offset && len(result) < limit {
			result = append(result, u.body)
		}
	}
	return result
}

func (q *updateQueue) push(u *queuedUpdate) {
	if u.chatID != 0 {
		if q.perChat == nil {
			q.perChat = map[int64]*chatCount{}
		}
		c := q.perChat[u.chatID]
		if c == nil {
			c = &chatCount{}
			q.perChat[u.chatID] = c
		}
		c.n++
		u.chat = c
	}
	q.items = append(q.items, u)
}

// deleteWhere removes the updates del says, keeping the order.
func (q *updateQueue) deleteWhere(del func(*queuedUpdate) bool) {
	q.items = slices.DeleteFunc(q.items, func(u *queuedUpdate) bool {
		if !del(u) {
			return false
		}
		q.uncount(u)
		return true
	})
}

// deleteAt removes items[i].
func (q *updateQueue) deleteAt(i int) {
	q.uncount(q.items[i])
	q.items = slices.Delete(q.items, i, i+1)
}

// index finds update id (ids are increasing along the queue), or -1.
func (q *updateQueue) index(id int64) int {
	i, found := slices.BinarySearchFunc(q.items, id, func(u *queuedUpdate, id int64) int { return cmp.Compare(u.id, id) })
	if !found {
		return -1
	}
	return i
}

func (q *updateQueue) uncount(u *queuedUpdate) {
	if u.chat == nil {
		return
	}
	if u.chat.n--; u.chat.n == 0 {
		delete(q.perChat, u.chatID)
	}
}

// clear drops every queued update.
func (q *updateQueue) clear() { q.items, q.perChat = nil, nil }

// clientGone reports whether the client of a long poll that a newer one
// ends has gone away: then the 409 reaches nobody and is no conflict (a
// bot that stopped, then confirmed its last updates with one more
// getUpdates, as a restart does). The server notices a closed connection
// a moment after the client closed it: that moment is allowed for.
func clientGone(r *http.Request) bool {
	t := time.NewTimer(goneGrace)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return true
	case <-t.C:
		return false
	}
}

// goneGrace is how long a poll ended by a newer one waits to see whether
// its client has gone.
const goneGrace = 100 * time.Millisecond
