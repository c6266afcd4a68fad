package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
)

// TestNonTextMessagesGetTheReprompt: a photo, a sticker or a voice note in
// the middle of the check is no answer: it gets the re-prompt and the
// question again, like junk text; a photo's caption counts as typed text.
func TestNonTextMessagesGetTheReprompt(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	u.say("/start")
	u.say("1") // for me: the source question
	from := map[string]any{"id": u.c.User.ID, "is_bot": false, "first_name": "U", "language_code": "en"}
	chat := map[string]any{"id": u.c.ID, "type": "private", "first_name": "U"}
	for i, extra := range []map[string]any{
		{"photo": []map[string]any{{"file_id": "AgAD", "file_unique_id": "u1", "width": 90, "height": 90}}},
		{"sticker": map[string]any{"file_id": "CAAD", "file_unique_id": "u2", "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false}},
		{"voice": map[string]any{"file_id": "AwAD", "file_unique_id": "u3", "duration": 2}},
	} {
		msg := map[string]any{"message_id": 900 + i, "from": from, "chat": chat, "date": time.Now().Unix()}
		for k, v := range extra {
			msg[k] = v
		}
		got := u.do(func() {
			if _, err := e.fake.InjectUpdate("message", msg); err != nil {
				t.Fatal(err)
			}
			u.sent++
		})
		if len(got) != 2 || !strings.Contains(got[0].Text, "Please tap a button.") || !strings.Contains(got[1].Text, "Where did you find the offer?") {
			t.Errorf("%v: %s", extra, joined(got))
		}
	}
	e.fake.AssertNoRejections(t)
}

// TestTapOnInaccessibleMessage: a button under a message Telegram no
// longer shows the bot (over 48 hours old) still counts; there is nothing
// to edit, and the next question comes as usual.
func TestTapOnInaccessibleMessage(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	welcome := u.say("/start")[0]
	data := buttonData(t, welcome, "For me")
	got := u.do(func() { u.pressData(99999, data) }) // no such message: sent as inaccessible
	if len(got) != 1 || !strings.Contains(got[0].Text, "Where did you find the offer?") {
		t.Errorf("tap on an inaccessible message: %s", joined(got))
	}
	if a, ok := u.c.Answer(u.queries[0]); !ok || a.Text != "" {
		t.Errorf("answered %v with %q", ok, a.Text)
	}
	e.fake.AssertNoRejections(t)
}

// TestPressBehindAQueueIsAnsweredAtOnce: a user who typed fast has replies
// still going out at one a second; a button pressed then is answered on
// arrival, long before those replies are out, not after them (Telegram
// gives up on a press not answered within seconds). It is still applied,
// in order, after them.
func TestPressBehindAQueueIsAnsweredAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds of real time: replies go out at Telegram's pace")
	}
	e := startWith(t, miniSource, true, []tgfake.Option{tgfake.WithEnforcedRateLimits()}, WithRateLimits(defaultLimits.global, defaultLimits.perChat, defaultLimits.burst))
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	welcome := u.say("/start")[0]
	for range 6 {
		u.send("hello?") // each gets the re-prompt and the welcome again: 12 messages
	}
	id := u.pressData(welcome.ID, buttonData(t, welcome, "For me"))
	if !u.c.WaitAnswered(id, 20*time.Second) {
		t.Fatal("the press was never answered")
	}
	if n := len(u.c.Messages()); n >= 1+12 {
		t.Errorf("the press was answered only after the %d messages queued before it", n-1)
	}
	if !e.done.wait(u.c.ID, u.sent, 30*time.Second) {
		t.Fatal("the queue was not handled within 30 s")
	}
	if got := byID(u.c.Messages(), welcome.ID); !strings.Contains(got.Text, "Where did you find the offer?") {
		t.Errorf("after the queue the pressed message reads %q, want the press applied last", got.Text)
	}
	u.allAnswered()
	if st := e.fake.Stats(); st.ChatRateExceeded > 0 {
		t.Errorf("%d messages over the chat limit", st.ChatRateExceeded)
	}
	e.fake.AssertNoRejections(t)
}

// TestServiceMessagesAndInlineButtonsAreIgnored: a service message in a
// private chat (the user changed the auto-delete timer) gets no reply and
// stores nothing; a press on a button of an inline message (no chat) is
// answered and changes nothing.
func TestServiceMessagesAndInlineButtonsAreIgnored(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	msg := map[string]any{"message_id": 900, "date": time.Now().Unix(),
		"from":                              map[string]any{"id": u.c.User.ID, "is_bot": false, "first_name": "U"},
		"chat":                              map[string]any{"id": u.c.ID, "type": "private", "first_name": "U"},
		"message_auto_delete_timer_changed": map[string]any{"message_auto_delete_time": 86400}}
	got := u.do(func() {
		if _, err := e.fake.InjectUpdate("message", msg); err != nil {
			t.Fatal(err)
		}
		u.sent++
	})
	if len(got) != 0 || len(e.m.Keys()) != 0 {
		t.Errorf("service message: replies %s, keys %v", joined(got), e.m.Keys())
	}
	id := "4100000000000000001"
	cq := map[string]any{"id": id, "chat_instance": "1", "data": "a:00000000:welcome:self", "inline_message_id": "AAAA",
		"from": map[string]any{"id": u.c.User.ID, "is_bot": false, "first_name": "U"}}
	if _, err := e.fake.InjectUpdate("callback_query", cq); err != nil {
		t.Fatal(err)
	}
	u.sent++
	u.sync()
	if len(u.c.Messages()) != 0 || len(e.m.Keys()) != 0 {
		t.Errorf("inline button: messages %s, keys %v", joined(u.c.Messages()), e.m.Keys())
	}
}

// TestEarlyAnsweredPressStillHearsTryAgain: a press answered on arrival
// (it queued behind others) whose handling then finds Redis down gets the
// "try again" as a message: the toast it would have had cannot be shown.
func TestEarlyAnsweredPressStillHearsTryAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds of real time: replies go out at Telegram's pace")
	}
	e := startWith(t, miniSource, true, []tgfake.Option{tgfake.WithEnforcedRateLimits()}, WithRateLimits(defaultLimits.global, defaultLimits.perChat, defaultLimits.burst))
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	welcome := u.say("/start")[0]
	e.m.Close() // Redis goes down: every update of the queue gets "try again"
	for range 3 {
		u.send("hello?")
	}
	id := u.pressData(welcome.ID, buttonData(t, welcome, "For me"))
	if !e.done.wait(u.c.ID, u.sent, 30*time.Second) {
		t.Fatal("the queue was not handled within 30 s")
	}
	if a, ok := u.c.Answer(id); !ok || a.Text != "" {
		t.Errorf("the queued press: answered %v with %q, want an early empty answer", ok, a.Text)
	}
	if last := u.last(); last.Text != "Try again in a minute." {
		t.Errorf("last message %q, want the try-again for the press", last.Text)
	}
	if n := len(u.c.Messages()); n != 1+4 {
		t.Errorf("%d messages, want the welcome and four try-agains", n)
	}
}

// TestBlockedUserTapStopsAtTheFirst403: a press from a user who has since
// blocked the bot (the press was queued) fails at the edit with 403; the
// bot then forgets the chat and sends nothing more.
func TestBlockedUserTapStopsAtTheFirst403(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	welcome := u.say("/start")[0]
	e.fake.Block(u.c.ID)
	sent := e.fake.Calls("sendMessage")
	u.do(func() { u.tap(welcome, "For me") })
	if n := e.fake.Calls("sendMessage") - sent; n != 0 {
		t.Errorf("%d sendMessage calls after the edit was refused with 403", n)
	}
	if keys := e.m.Keys(); len(keys) != 0 {
		t.Errorf("session kept after the 403: %v", keys)
	}
}

// TestForwardedAdAndCaptionAreRead: an ad forwarded from a channel is read
// like typed text (summed up, its answers suggested), and a cry for help
// in a photo's caption reaches the emergency screen.
func TestForwardedAdAndCaptionAreRead(t *testing.T) {
	e := startShipped(t)
	u := newUser(t, e, e.fake.NewPrivateChat("id"))
	from := map[string]any{"id": u.c.User.ID, "is_bot": false, "first_name": "U", "language_code": "id"}
	chat := map[string]any{"id": u.c.ID, "type": "private", "first_name": "U"}
	inject := func(id int, extra map[string]any) []tgfake.Message {
		msg := map[string]any{"message_id": id, "from": from, "chat": chat, "date": time.Now().Unix()}
		for k, v := range extra {
			msg[k] = v
		}
		return u.do(func() {
			if _, err := e.fake.InjectUpdate("message", msg); err != nil {
				t.Fatal(err)
			}
			u.sent++
		})
	}
	got := inject(700, map[string]any{
		"text": "LOKER KAMBOJA gaji 15jt tanpa pengalaman, visa turis, tiket ditanggung potong gaji",
		"forward_origin": map[string]any{"type": "channel", "date": time.Now().Unix() - 3600, "message_id": 12,
			"chat": map[string]any{"id": -1001234567890, "type": "channel", "title": "Loker Luar Negeri"}},
	})
	if all := joined(got); !strings.Contains(all, "Dari pesanmu: Kamboja") || !strings.Contains(all, "tanda bahaya") {
		t.Errorf("forwarded ad:\n%s", all)
	}
	got = inject(701, map[string]any{
		"photo":   []map[string]any{{"file_id": "AgAD", "file_unique_id": "u9", "width": 90, "height": 90}},
		"caption": "tolong saya disekap di myawaddy, hp diawasi",
	})
	if all := joined(got); !strings.Contains(all, "Kalau HP-mu mungkin dicek orang") || !strings.Contains(all, "+95 9 503 7055") {
		t.Errorf("cry for help in a caption:\n%s", all)
	}
	e.fake.AssertNoRejections(t)
}
