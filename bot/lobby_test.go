package bot

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

func firstMessage(update, chat int64, text string) *models.Update {
	return &models.Update{ID: update, Message: &models.Message{ID: 1, Date: 1700000000, Text: text,
		Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate},
		From: &models.User{ID: chat, FirstName: "Siti", Username: "siti_99", LanguageCode: "id"}}}
}

// lobbied sets d up as the bot does, with every message a newcomer and
// the send queue always with room.
func lobbied(d *dispatcher, size int) {
	d.lobby = newLobby(size)
	d.newcomer = func(u *models.Update) bool { return u.Message != nil }
	d.lobbyRoom = func(int) bool { return true }
}

// TestLobbyOrderAndBounds: with no room, /start messages wait in the lobby
// and are let in first come first served; a chat's later updates wait
// behind its /start (refused, long polling would stop fetching until that
// is in); what does not fit is refused.
func TestLobbyOrderAndBounds(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var order []int64
	d := newDispatcher(func(_ context.Context, u *models.Update) {
		<-release
		mu.Lock()
		order = append(order, u.ID)
		mu.Unlock()
	})
	d.limit = 1
	lobbied(d, 3)
	var entered, left int
	d.entered = func() { entered++ }
	d.left = func(n int) { left += n }
	if got := d.offer(firstMessage(1, 10, "/start")); got != accepted {
		t.Fatalf("the first update: %v", got)
	}
	for _, u := range []*models.Update{firstMessage(2, 20, "/start"), firstMessage(3, 30, "/start abc"), firstMessage(4, 20, "/start")} {
		if got := d.offer(u); got != accepted {
			t.Fatalf("update %d with no room: %v, want taken into the lobby", u.ID, got)
		}
	}
	if got := d.offer(firstMessage(5, 40, "/start")); got != busy {
		t.Errorf("a /start with the lobby full: %v, want busy", got)
	}
	d.lobby.limit = 10
	if got := d.offer(firstMessage(6, 20, "halo")); got != accepted {
		t.Errorf("a message of a chat whose /start waits: %v, want taken behind it", got)
	}
	if got := d.offer(firstMessage(7, 50, strings.Repeat("kerja di Kamboja ", 20))); got != busy {
		t.Errorf("a pasted ad with no room: %v, want busy (Telegram keeps it)", got)
	}
	tap := &models.Update{ID: 8, CallbackQuery: &models.CallbackQuery{ID: "q", From: models.User{ID: 20},
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{Chat: models.Chat{ID: 20, Type: models.ChatTypePrivate}}}}}
	if got := d.offer(tap); got != accepted {
		t.Errorf("a tap of a chat whose /start waits: %v, want taken behind it", got)
	}
	if n := d.held(); n != 6 {
		t.Errorf("held %d, want 6 (one in hand, five waiting)", n)
	}
	d.lobby.full = lobbyFollowUps
	if got := d.offer(firstMessage(9, 20, "halo?")); got != busy {
		t.Errorf("a follow-up with %d waiting whole: %v, want busy", lobbyFollowUps, got)
	}
	d.lobby.full = 2
	close(release)
	if !d.shutdown(time.Minute) {
		t.Fatal("not all handled")
	}
	if want := []int64{1, 2, 3, 4, 6, 8}; !slices.Equal(order, want) {
		t.Errorf("handled in the order %v, want %v", order, want)
	}
	if entered != 5 || left != 0 {
		t.Errorf("entered %d, left %d; want 5 and 0", entered, left)
	}
}

// TestLobbyAtShutdown: what still waits when the grace period ends is
// left and counted; a first message changed nothing, so nothing else is
// to be done about it.
func TestLobbyAtShutdown(t *testing.T) {
	var handled int
	d := newDispatcher(func(context.Context, *models.Update) { handled++ })
	lobbied(d, 100)
	d.room = func(u *models.Update, _ int) bool { return false } // the send queue never drains
	d.lobbyRoom = func(int) bool { return false }
	var left int
	d.left = func(n int) { left += n }
	for i := range int64(5) {
		if got := d.offer(firstMessage(i+1, i+10, "/start")); got != accepted {
			t.Fatalf("update %d: %v", i+1, got)
		}
	}
	if d.shutdown(50 * time.Millisecond) {
		t.Error("shutdown says all was handled with five first messages waiting")
	}
	if left != 5 || handled != 0 {
		t.Errorf("left %d, handled %d; want 5 and 0", left, handled)
	}
	if got := d.offer(firstMessage(9, 99, "/start")); got != closing {
		t.Errorf("after shutdown: %v, want closing", got)
	}
}

// TestLobbyKeepsNothingPersonal: an entry keeps what handling needs, not
// the user's name or username.
func TestLobbyKeepsNothingPersonal(t *testing.T) {
	l := newLobby(1)
	in := firstMessage(42, 7, "/start")
	if !l.fits(in) {
		t.Fatal("a /start does not fit")
	}
	l.push(in)
	out := l.peek()
	m := out.Message
	if out.ID != 42 || m.Chat.ID != 7 || m.Chat.Type != models.ChatTypePrivate || m.Text != "/start" || m.From.LanguageCode != "id" || m.Date != in.Message.Date {
		t.Errorf("rebuilt %+v %+v, want the update's id, chat, text, language and date", out, m)
	}
	if m.From.FirstName != "" || m.From.Username != "" {
		t.Errorf("the lobby kept the user's name %q or username %q", m.From.FirstName, m.From.Username)
	}
	if l.fits(firstMessage(43, 8, "/start")) {
		t.Error("fits a second entry in a lobby of one")
	}
}

// TestLobbyTakesAFlood: the webhook takes a flood of first /start while
// the bot has room for few (Telegram's queue empties at once), and each
// is answered, once, as the send queue drains.
func TestLobbyTakesAFlood(t *testing.T) {
	e := startWith(t, miniSource, false, nil, WithBackpressure(5, 0))
	release := holdUpdates(t, e)
	h := e.bot.WebhookHandler("sec")
	const people = 200
	var ids []int64
	for i := range people {
		c := e.fake.NewPrivateChat("en")
		ids = append(ids, c.ID)
		if rec := hook(h, update(i+1, c.ID, "/start")); rec.Code != http.StatusOK {
			t.Fatalf("/start %d of the flood: %d, want 200", i+1, rec.Code)
		}
	}
	if n := e.bot.chats.held(); n != people {
		t.Errorf("held %d, want %d", n, people)
	}
	release()
	for _, id := range ids {
		if !e.done.wait(id, 1, wait) {
			t.Fatal("a /start from the lobby was never handled")
		}
	}
	if !waitIdle(e.bot.chats, wait) {
		t.Fatal("the bot did not go idle")
	}
	for _, id := range ids {
		if n := e.done.count(id); n != 1 {
			t.Errorf("chat %d: handled %d times, want once", id, n)
		}
	}
	e.fake.AssertNoRejections(t)
}

func TestIsStart(t *testing.T) {
	for text, want := range map[string]bool{"/start": true, "/start fair_x": true, "/start@selfcheck_bot": true,
		"/started": false, "start": false, "/help": false, "": false, "halo /start": false} {
		if got := isStart(text); got != want {
			t.Errorf("isStart(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestLobbyFollowUpDoesNotStallPolling: long polling waits until an update
// is taken, fetching nothing meanwhile; a second message of a chat whose
// /start waits its turn must be taken at once, or nobody's taps would be
// fetched until that turn.
func TestLobbyFollowUpDoesNotStallPolling(t *testing.T) {
	d := newDispatcher(func(context.Context, *models.Update) {})
	lobbied(d, 100)
	d.room = func(*models.Update, int) bool { return false }
	d.lobbyRoom = func(int) bool { return false } // the /start's turn does not come
	if got := d.offer(firstMessage(1, 10, "/start")); got != accepted {
		t.Fatalf("the /start: %v", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !d.wait(ctx, firstMessage(2, 10, "halo, ada orang?")) || ctx.Err() != nil {
		t.Error("polling waited for the /start's turn to take the chat's next message")
	}
	d.shutdown(10 * time.Millisecond)
}
