package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// hook posts body to the webhook handler h with the secret "sec", as
// Telegram would, and returns the answer.
func hook(h http.Handler, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "sec")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func update(id int, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":1,"date":1700000000,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"x","language_code":"en"},"text":%q}}`,
		id, chat, chat, text)
}

func TestWebhookSecret(t *testing.T) {
	e := startBot(t, miniSource, false)
	c := e.fake.NewPrivateChat("en")
	h := e.bot.WebhookHandler("s3cret_-")
	tests := []struct {
		name, secret string
		body         string
		want         int
	}{
		{"missing secret", "", update(1, c.ID, "/start"), http.StatusUnauthorized},
		{"wrong secret", "s3cret_+", update(2, c.ID, "/start"), http.StatusUnauthorized},
		{"bad JSON", "s3cret_-", "{", http.StatusBadRequest},
		{"too large", "s3cret_-", `{"update_id":3,"x":"` + strings.Repeat("a", maxUpdateBytes) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(tt.body))
		if tt.secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tt.secret)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, rec.Code, tt.want)
		}
	}
	// A refused call returns before anything is queued: nothing can
	// have happened later.
	if keys := e.m.Keys(); len(keys) != 0 || len(c.Messages()) != 0 || e.bot.chats.held() != 0 {
		t.Errorf("rejected calls changed state: keys %v, %d messages", keys, len(c.Messages()))
	}
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(update(4, c.ID, "/start")))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret_-")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("right secret: %d", rec.Code)
	}
	if _, ok := c.WaitMessages(1, wait); !ok {
		t.Error("a good webhook update got no reply")
	}
}

func TestWebhookGracefulShutdown(t *testing.T) {
	e := startBot(t, miniSource, false)
	c := e.fake.NewPrivateChat("en")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.bot.Webhook(ctx, "https://bot.example.org/hook", "sec", addr, nil) }()
	var resp *http.Response
	for range 100 {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/hook", strings.NewReader(update(9, c.ID, "/start")))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "sec")
		var err error
		if resp, err = http.DefaultClient.Do(req); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if resp == nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook call: %+v", resp)
	}
	resp.Body.Close()
	// The server answers before setWebhook returns (Telegram may call at
	// once); registration must have reached Telegram before the shutdown,
	// or a cancelled setWebhook is the right outcome and nothing to check.
	for i := 0; i < 500 && e.fake.Webhook().URL == ""; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	cancel() // the update above may still be in flight
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(shutdownGrace + time.Second):
		t.Fatal("shutdown took longer than the grace period")
	}
	if len(c.Messages()) != 1 {
		t.Errorf("the in-flight update was not finished: %d messages", len(c.Messages()))
	}
	if e.fake.Webhook().URL != "https://bot.example.org/hook" || e.fake.Webhook().SecretToken != "sec" {
		t.Errorf("setWebhook: %+v", e.fake.Webhook())
	}
}

func TestRedactKeepsTheErrorKind(t *testing.T) {
	err := redact(fmt.Errorf("post https://x/bot123:SECRET/sendMessage: %w", errBlocked), "123:SECRET")
	if strings.Contains(err.Error(), "SECRET") || !errors.Is(err, errBlocked) {
		t.Errorf("redact: %v (is blocked: %v)", err, errors.Is(err, errBlocked))
	}
}

// TestWebhookBackpressure: with its bound reached the webhook answers 503
// with Retry-After, so Telegram delivers again later; a refused tap is
// told at once that many people are checking; once there is room the same
// updates go through, each applied once; while shutting down, 503 too. A
// short first message of a new chat is taken into the lobby instead, and
// handled when there is room, without a redelivery.
func TestWebhookBackpressure(t *testing.T) {
	e := startWith(t, miniSource, false, nil, WithBackpressure(1, 0))
	release := holdUpdates(t, e)
	h := e.bot.WebhookHandler("sec")
	post := func(body string) *httptest.ResponseRecorder { return hook(h, body) }
	a, b := e.fake.NewPrivateChat("en"), e.fake.NewPrivateChat("en")
	if rec := post(update(1, a.ID, "/start")); rec.Code != http.StatusOK {
		t.Fatalf("first update: %d", rec.Code)
	}
	pasted := e.fake.NewPrivateChat("en")
	rec := post(update(5, pasted.ID, strings.Repeat("kerja di Kamboja gaji 15 juta ", 10)))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a long first message over the bound: %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := post(update(2, b.ID, "/start")); rec.Code != http.StatusOK {
		t.Errorf("a first /start over the bound: %d, want 200 (the lobby)", rec.Code)
	}
	if n := e.bot.chats.held(); n != 2 {
		t.Errorf("%d updates held, want 2 (one in hand, one in the lobby)", n)
	}
	id := a.Press(1, "a:x:welcome:self") // a tap over the bound, refused
	tap := fmt.Sprintf(`{"update_id":3,"callback_query":{"id":%q,"from":{"id":%d,"is_bot":false,"first_name":"x","language_code":"en"},`+
		`"message":{"message_id":1,"date":1700000000,"chat":{"id":%d,"type":"private"},"text":"q"},"chat_instance":"1","data":"a:x:welcome:self"}}`,
		id, a.ID, a.ID)
	if rec := post(tap); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("a tap over the bound: %d", rec.Code)
	}
	if !a.WaitAnswered(id, wait) {
		t.Fatal("the refused tap was not answered")
	}
	if ans, _ := a.Answer(id); !strings.Contains(ans.Text, "Busy") {
		t.Errorf("the refused tap's answer: %q, want the busy notice", ans.Text)
	}
	release()
	if !e.done.wait(a.ID, 1, wait) {
		t.Fatal("the first update was not handled")
	}
	if !e.done.wait(b.ID, 1, wait) || !waitIdle(e.bot.chats, wait) {
		t.Fatal("the /start in the lobby was not handled once there was room")
	}
	// Telegram delivers the tap again: now taken, and answered once.
	if rec := post(tap); rec.Code != http.StatusOK {
		t.Errorf("tap redelivered with room: %d", rec.Code)
	}
	if !e.done.wait(a.ID, 2, wait) {
		t.Fatal("the redelivered tap was not handled")
	}
	if n := e.fake.Calls("answerCallbackQuery"); n != 1 {
		t.Errorf("the tap was answered %d times, want once", n)
	}
	e.bot.chats.close()
	if rec := post(update(4, a.ID, "hello")); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("while shutting down: %d, want 503", rec.Code)
	}
	e.fake.AssertNoRejections(t)
}

// waitIdle waits until d holds no update (the handled-update counter moves
// before the dispatcher counts the update out of hand).
func waitIdle(d *dispatcher, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		d.mu.Lock()
		idle, freed := d.inHand == 0, d.freed
		d.mu.Unlock()
		if idle {
			return true
		}
		select {
		case <-freed:
		case <-timer.C:
			return false
		}
	}
}
