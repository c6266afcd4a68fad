package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// apiTap is the transport of the bot's Bot API client. It counts calls by
// method and tells a chat's tracker about every message sent or edited in
// it: the bot's last call for an update is the message that carries the
// next keyboard, so its arrival ends the update's latency. It reads the
// chat from the response, which the fake has fully handled by then, so the
// request body (streamed by the library through a pipe) is left alone.
type apiTap struct {
	base  http.RoundTripper
	mu    sync.Mutex
	calls map[string]int
	chats sync.Map // chat id -> *tracker
}

func newAPITap(base http.RoundTripper) *apiTap {
	return &apiTap{base: base, calls: map[string]int{}}
}

func (t *apiTap) RoundTrip(r *http.Request) (*http.Response, error) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	resp, err := t.base.RoundTrip(r)
	t.mu.Lock()
	t.calls[method]++
	t.mu.Unlock()
	if err != nil || resp.StatusCode != http.StatusOK || (method != "sendMessage" && method != "editMessageText") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var sent struct {
		Result struct {
			Chat        struct{ ID int64 } `json:"chat"`
			ReplyMarkup json.RawMessage    `json:"reply_markup"`
		} `json:"result"`
	}
	if json.Unmarshal(body, &sent) == nil {
		if tr, ok := t.chats.Load(sent.Result.Chat.ID); ok {
			tr.(*tracker).called(len(sent.Result.ReplyMarkup) > 0)
		}
	}
	return resp, nil
}

// snapshot returns the calls per method so far.
func (t *apiTap) snapshot() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.calls))
	for k, v := range t.calls {
		out[k] = v
	}
	return out
}

func (t *apiTap) track(chat int64) *tracker {
	tr := &tracker{done: make(chan time.Time, 1)}
	t.chats.Store(chat, tr)
	return tr
}

func (t *apiTap) untrack(chat int64) { t.chats.Delete(chat) }

// tracker follows one chat's current update: the messages sent or edited
// for it and when the one with a keyboard arrived.
type tracker struct {
	calls atomic.Int64
	done  chan time.Time
}

func (tr *tracker) called(keyboard bool) {
	tr.calls.Add(1)
	if keyboard {
		select {
		case tr.done <- time.Now():
		default: // a second keyboard in one update: the first one ended it
		}
	}
}

func (tr *tracker) reset() {
	tr.calls.Store(0)
	select {
	case <-tr.done:
	default:
	}
}
