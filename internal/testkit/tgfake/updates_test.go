package tgfake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// TestLongPolling runs a real go-telegram/bot in polling mode: a text update
// and a callback update must arrive decoded, and the bot's answers land.
func TestLongPolling(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	got := make(chan *models.Update, 10)
	b := newBot(t, srv, bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
		got <- u
		switch {
		case u.Message != nil:
			_, _ = b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID: u.Message.Chat.ID, Text: "Pilih:",
				ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Ya", CallbackData: "yes"}}),
			})
		case u.CallbackQuery != nil:
			_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
			m := u.CallbackQuery.Message.Message
			_, _ = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: m.Chat.ID, MessageID: m.ID, Text: "Terima kasih"})
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); b.Start(ctx) }()
	defer func() { cancel(); wg.Wait() }()

	chat.SendText("/start abc")
	u := recv(t, got)
	if u.Message == nil || u.Message.Text != "/start abc" || u.Message.From.LanguageCode != "id" ||
		len(u.Message.Entities) != 1 || u.Message.Entities[0].Type != models.MessageEntityTypeBotCommand {
		t.Fatalf("text update = %+v", u.Message)
	}
	msgs, ok := chat.WaitMessages(1, wait)
	if !ok || msgs[0].Buttons[0][0].CallbackData != "yes" {
		t.Fatalf("bot reply = %+v", msgs)
	}

	qid := chat.Press(msgs[0].ID, "yes")
	u = recv(t, got)
	if u.CallbackQuery == nil || u.CallbackQuery.Data != "yes" || u.CallbackQuery.Message.Message == nil ||
		u.CallbackQuery.Message.Message.ReplyMarkup == nil || u.CallbackQuery.From.ID != chat.User.ID {
		t.Fatalf("callback update = %+v", u.CallbackQuery)
	}
	if !chat.WaitAnswered(qid, wait) {
		t.Fatal("callback not answered")
	}
	m, ok := chat.WaitFor(func(m Message) bool { return m.Edits == 1 }, wait)
	if !ok || m.Text != "Terima kasih" || m.Buttons != nil {
		t.Fatalf("edited message = %+v", m)
	}
	srv.AssertNoRejections(t)
}

func recv(t *testing.T, ch <-chan *models.Update) *models.Update {
	t.Helper()
	select {
	case u := <-ch:
		return u
	case <-time.After(wait):
		t.Fatal("no update delivered")
		return nil
	}
}

func TestGetUpdatesOffsetAndWakeUp(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	done := make(chan apiResp)
	go func() {
		_, r, _ := postForm(srv, "getUpdates", map[string]string{"timeout": "30"})
		done <- r
	}()
	// Inject only once the call is waiting, to prove the wake-up path.
	srv.waitUntil(wait, func() bool { return srv.updates.pollGen == 1 })
	first := chat.SendText("halo")
	var r apiResp
	select {
	case r = <-done:
	case <-time.After(wait):
		t.Fatal("long poll did not wake up")
	}
	var ups []models.Update
	if err := json.Unmarshal(r.Result, &ups); err != nil || len(ups) != 1 || ups[0].ID != int64(first) {
		t.Fatalf("updates = %s (%v)", r.Result, err)
	}
	// Not confirmed yet: delivered again. Offset confirms it.
	_, r = post(t, srv, "getUpdates", map[string]string{"offset": "0"})
	if !strings.Contains(string(r.Result), "halo") {
		t.Fatalf("unconfirmed update not redelivered: %s", r.Result)
	}
	_, r = post(t, srv, "getUpdates", map[string]string{"offset": strconv.Itoa(first + 1)})
	if string(r.Result) != "[]" || srv.Stats().UpdatesPending != 0 {
		t.Fatalf("offset did not confirm: %s", r.Result)
	}
}

func TestGetUpdatesConflictWithWebhook(t *testing.T) {
	srv := New()
	defer srv.Close()
	b := newBot(t, srv)
	ok, err := b.SetWebhook(context.Background(), &bot.SetWebhookParams{URL: "https://bot.example.com/tg", SecretToken: "s3cret_-X"})
	if err != nil || !ok {
		t.Fatalf("SetWebhook: %v", err)
	}
	if info := srv.Webhook(); info.URL != "https://bot.example.com/tg" || info.MaxConnections != 40 {
		t.Fatalf("Webhook() = %+v", info)
	}
	code, r := post(t, srv, "getUpdates", nil)
	if code != 409 || r.Description != errWebhookActive {
		t.Fatalf("got %d %q", code, r.Description)
	}
	if rej := srv.Rejections(); len(rej) != 1 || rej[0].Code != 409 {
		t.Fatalf("rejections = %v", rej)
	}
	if _, err := b.DeleteWebhook(context.Background(), &bot.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	if code, _ := post(t, srv, "getUpdates", nil); code != 200 {
		t.Fatalf("after deleteWebhook: %d", code)
	}
}

// TestWebhookRetriesWithSecret checks the secret header and that a non-2xx
// answer gets the same update delivered again.
func TestWebhookRetriesWithSecret(t *testing.T) {
	type delivery struct {
		secret string
		id     int64
	}
	var mu sync.Mutex
	calls := 0
	got := make(chan delivery, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u models.Update
		_ = json.NewDecoder(r.Body).Decode(&u)
		got <- delivery{r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), u.ID}
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer hook.Close()
	srv := New(WithWebhookRetries(3, 10*time.Millisecond))
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	if code, r := post(t, srv, "setWebhook", map[string]string{"url": hook.URL + "/tg", "secret_token": "abc_DEF-1"}); code != 200 {
		t.Fatalf("setWebhook: %s", r.Description)
	}
	id := chat.SendText("hi")
	for i := 0; i < 2; i++ {
		select {
		case d := <-got:
			if d.secret != "abc_DEF-1" || d.id != int64(id) {
				t.Fatalf("delivery %d = %+v", i, d)
			}
		case <-time.After(wait):
			t.Fatalf("delivery %d missing", i)
		}
	}
	srv.waitUntil(wait, func() bool { return srv.stats.WebhookDelivered == 1 })
	if w := srv.Webhook(); w.Delivered != 1 || w.Failed != 1 || w.PendingUpdates != 0 || !strings.Contains(w.LastError, "500") {
		t.Fatalf("webhook info = %+v", w)
	}
}

// TestWebhookWithLibrary runs go-telegram/bot's own webhook handler.
func TestWebhookWithLibrary(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	got := make(chan *models.Update, 1)
	b := newBot(t, srv, bot.WithWebhookSecretToken("tok"), bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) { got <- u }))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.StartWebhook(ctx)
	hook := httptest.NewServer(b.WebhookHandler())
	defer hook.Close()
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL, SecretToken: "tok"}); err != nil {
		t.Fatal(err)
	}
	chat.Press(77, "stale") // no such message: arrives as inaccessible
	u := recv(t, got)
	if u.CallbackQuery == nil || u.CallbackQuery.Message.InaccessibleMessage == nil || u.CallbackQuery.Message.InaccessibleMessage.MessageID != 77 {
		t.Fatalf("update = %+v", u.CallbackQuery)
	}
	srv.AssertNoRejections(t)
}

func TestConcurrentPollersConflict(t *testing.T) {
	srv := New()
	defer srv.Close()
	first := make(chan int)
	go func() {
		code, _, _ := postForm(srv, "getUpdates", map[string]string{"timeout": "30"})
		first <- code
	}()
	srv.waitUntil(wait, func() bool { return srv.updates.pollGen == 1 })
	go func() { _, _, _ = postForm(srv, "getUpdates", map[string]string{"timeout": "1"}) }()
	select {
	case code := <-first:
		if code != 409 {
			t.Fatalf("older poll got %d, want 409", code)
		}
	case <-time.After(wait):
		t.Fatal("older poll not terminated")
	}
}

// TestWebhookParallelPerChatOrder: a slow delivery for one chat must not hold
// up another chat, and one chat's updates must not overlap or reorder.
func TestWebhookParallelPerChatOrder(t *testing.T) {
	srv := New()
	defer srv.Close()
	a, b := srv.NewPrivateChat("id"), srv.NewPrivateChat("en")
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	active := map[int64]int{}
	overlap, parallel := false, false
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u models.Update
		_ = json.NewDecoder(r.Body).Decode(&u)
		chat := u.Message.Chat.ID
		mu.Lock()
		active[chat]++
		overlap = overlap || active[chat] > 1
		order = append(order, u.Message.Text)
		mu.Unlock()
		switch u.Message.Text {
		case "a1":
			select {
			case <-release:
				mu.Lock()
				parallel = true
				mu.Unlock()
			case <-time.After(wait):
			}
		case "b1":
			close(release)
		}
		mu.Lock()
		active[chat]--
		mu.Unlock()
	}))
	defer hook.Close()
	if code, r := post(t, srv, "setWebhook", map[string]string{"url": hook.URL}); code != 200 {
		t.Fatal(r.Description)
	}
	a.SendText("a1")
	a.SendText("a2")
	b.SendText("b1")
	if !srv.waitUntil(wait, func() bool { return srv.stats.WebhookDelivered == 3 }) {
		t.Fatalf("delivered %d", srv.Webhook().Delivered)
	}
	mu.Lock()
	defer mu.Unlock()
	if overlap || !parallel || slices.Index(order, "a1") > slices.Index(order, "a2") {
		t.Fatalf("order %v, overlap %v, parallel %v", order, overlap, parallel)
	}
}

// TestWebhookRetryFor checks that with WithWebhookRetryFor an update refused
// many more times than the default attempt bound is still delivered, in
// order with the chat's later update, and that the observer sees the
// bot's calls with their chat and keyboard.
func TestWebhookRetryFor(t *testing.T) {
	const refusals = 12 // over the default bound of 5 attempts
	var mu sync.Mutex
	var order []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u models.Update
		_ = json.NewDecoder(r.Body).Decode(&u)
		mu.Lock()
		defer mu.Unlock()
		if len(order) < refusals {
			order = append(order, "refused")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		order = append(order, u.Message.Text)
	}))
	defer hook.Close()
	calls := make(chan Call, 10)
	var deliveries []Delivery
	srv := New(WithWebhookRetryFor(time.Minute, time.Millisecond, 4*time.Millisecond), WithCallObserver(func(c Call) { calls <- c }),
		WithDeliveryObserver(func(d Delivery) { mu.Lock(); deliveries = append(deliveries, d); mu.Unlock() }))
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	other := srv.NewPrivateChat("en")
	if code, r := post(t, srv, "setWebhook", map[string]string{"url": hook.URL + "/tg"}); code != 200 {
		t.Fatalf("setWebhook: %s", r.Description)
	}
	chat.SendText("first")
	chat.SendText("second")
	other.SendText("other")
	if !srv.waitUntil(wait, func() bool { return srv.stats.WebhookDelivered == 3 }) {
		t.Fatalf("delivered %d of 3, dropped %d", srv.Stats().WebhookDelivered, srv.Stats().WebhookDropped)
	}
	mu.Lock()
	got := slices.DeleteFunc(slices.Clone(order), func(s string) bool { return s == "refused" || s == "other" })
	mu.Unlock()
	if !slices.Equal(got, []string{"first", "second"}) || srv.Stats().WebhookDropped != 0 {
		t.Fatalf("chat's updates delivered as %v (dropped %d)", got, srv.Stats().WebhookDropped)
	}
	mu.Lock()
	ok, retried := 0, false
	for _, d := range deliveries {
		if d.At.Before(d.Queued) || d.Attempt < 1 {
			t.Errorf("delivery %+v", d)
		}
		if d.OK {
			ok++
			retried = retried || d.Attempt > 1
		}
	}
	n := len(deliveries)
	mu.Unlock()
	if n != refusals+3 || ok != 3 || !retried {
		t.Fatalf("observed %d deliveries, %d accepted, one after a refusal: %v; want %d, 3, true", n, ok, retried, refusals+3)
	}
	if code, r := post(t, srv, "sendMessage", map[string]string{"chat_id": strconv.FormatInt(chat.ID, 10), "text": "q",
		"reply_markup": `{"inline_keyboard":[[{"text":"a","callback_data":"a"}]]}`}); code != 200 {
		t.Fatalf("sendMessage: %s", r.Description)
	}
	for c := range calls {
		if c.Method != "sendmessage" {
			continue // setWebhook
		}
		if c.ChatID != chat.ID || !c.Keyboard || c.Code != 200 || c.Done.Before(c.Arrived) {
			t.Fatalf("observed %+v", c)
		}
		break
	}
}
