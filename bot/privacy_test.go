package bot

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBlockingTheBotDeletesTheSession: a user who blocks the bot, and says
// nothing more, has their session deleted as soon as Telegram's
// my_chat_member update (new status "kicked") arrives; the bot sends
// nothing to the blocked chat. Polling asks for that update explicitly:
// Telegram keeps an earlier deployment's allowed_updates otherwise.
func TestBlockingTheBotDeletesTheSession(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	u.say("/start")
	u.say("1")
	if len(e.m.Keys()) == 0 {
		t.Fatal("no session stored")
	}
	for _, kind := range []string{"message", "callback_query", "my_chat_member"} {
		if allowed := e.fake.AllowedUpdates(); !slices.Contains(allowed, kind) {
			t.Errorf("getUpdates asks for %v: not %s", allowed, kind)
		}
	}
	sends := e.fake.Calls("sendMessage")
	u.do(func() { u.c.BlockBot(); u.sent++ })
	if keys := e.m.Keys(); len(keys) > 0 { // u.do waited for the update to be handled
		t.Errorf("session kept after the user blocked the bot: %v", keys)
	}
	if got := e.fake.Calls("sendMessage"); got != sends {
		t.Errorf("%d messages sent to a chat that blocked the bot", got-sends)
	}
	// Unblocking (Restart) stores nothing by itself; /start begins anew.
	u.do(func() { u.c.UnblockBot(); u.sent++ })
	if keys := e.m.Keys(); len(keys) > 0 {
		t.Errorf("unblocking stored something: %v", keys)
	}
	if got := u.say("/start"); len(got) == 0 {
		t.Errorf("after unblocking, /start: %s", joined(got))
	}
	e.fake.AssertNoRejections(t)
}

// TestWebhookAsksForMemberUpdates: setWebhook gives allowed_updates with
// my_chat_member, and a "kicked" update delivered by webhook deletes the
// session.
func TestWebhookAsksForMemberUpdates(t *testing.T) {
	e := startBot(t, miniSource, false)
	c := e.fake.NewPrivateChat("en")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.bot.Webhook(ctx, "https://bot.example.org/hook", "sec", addr, nil) }()
	defer func() { cancel(); <-done }()
	post := func(body string) {
		t.Helper()
		for range 100 {
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/hook", strings.NewReader(body))
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "sec")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("webhook answered %d", resp.StatusCode)
				}
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal("the webhook does not answer")
	}
	post(update(1, c.ID, "/start"))
	if _, ok := c.WaitMessages(1, wait); !ok || len(e.m.Keys()) == 0 {
		t.Fatal("no reply or no session after /start")
	}
	for _, kind := range []string{"message", "callback_query", "my_chat_member"} {
		if allowed := e.fake.Webhook().AllowedUpdates; !slices.Contains(allowed, kind) {
			t.Errorf("setWebhook asks for %v: not %s", allowed, kind)
		}
	}
	post(`{"update_id":2,"my_chat_member":{"chat":{"id":` + strconv.FormatInt(c.ID, 10) + `,"type":"private","first_name":"x"},` +
		`"from":{"id":` + strconv.FormatInt(c.ID, 10) + `,"is_bot":false,"first_name":"x"},"date":1700000000,` +
		`"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"bot"}},` +
		`"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true,"first_name":"bot"},"until_date":0}}}`)
	if !e.done.wait(c.ID, 2, wait) {
		t.Fatal("the my_chat_member update was not handled")
	}
	if keys := e.m.Keys(); len(keys) > 0 {
		t.Errorf("session kept after a kicked my_chat_member by webhook: %v", keys)
	}
}
