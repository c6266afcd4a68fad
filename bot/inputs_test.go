package bot

import (
	"strings"
	"testing"
	"time"
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
