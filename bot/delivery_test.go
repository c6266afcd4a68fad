package bot

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAcceptedIsNeverResent: a Bot API server that accepts every call
// (200, ok:true) but answers in a shape the library cannot decode. The
// call took effect: it must not be made again, and the replies after it
// still go out. Before, each message went out four times.
func TestAcceptedIsNeverResent(t *testing.T) {
	// The same steps against a normal server, for the expected replies.
	replies := func(odd bool) (msgs, sends, answers int) {
		e := start(t, miniSource)
		if odd {
			for _, m := range []string{"sendMessage", "editMessageText", "answerCallbackQuery"} {
				e.fake.OddResults(m, true)
			}
		}
		u := newUser(t, e, e.fake.NewPrivateChat("en"))
		u.say("/start")
		u.say("1")
		q := u.last()
		u.do(func() { u.tap(q, q.Buttons[0][0].Text) })
		u.allAnswered()
		e.fake.AssertNoRejections(t)
		return len(u.c.Messages()), e.fake.Calls("sendMessage"), e.fake.Calls("answerCallbackQuery")
	}
	wantMsgs, wantSends, wantAnswers := replies(false)
	msgs, sends, answers := replies(true)
	if msgs != wantMsgs || sends != wantSends || answers != wantAnswers {
		t.Errorf("with unreadable 200 answers: %d messages in the chat, %d sendMessage and %d answerCallbackQuery calls; "+
			"want %d, %d and %d, as with readable ones", msgs, sends, answers, wantMsgs, wantSends, wantAnswers)
	}
}

// TestFiftyCopiesOfOneTapAnsweredOnce: Telegram (or a replica's restart)
// may deliver one callback update many times. Fifty copies at once, by
// webhook: the query is answered once (before, up to 92 times: once early
// for each copy that queued, and again when each was handled), and the
// tap is applied once.
func TestFiftyCopiesOfOneTapAnsweredOnce(t *testing.T) {
	e := startBot(t, miniSource, false)
	c := e.fake.NewPrivateChat("en")
	h := e.bot.WebhookHandler("sec")
	post := func(body string) {
		if rec := hook(h, body); rec.Code != http.StatusOK {
			t.Errorf("webhook answered %d", rec.Code)
		}
	}
	post(update(1, c.ID, "/start"))
	post(update(2, c.ID, "1"))
	if !e.done.wait(c.ID, 2, wait) {
		t.Fatal("the first two updates were not handled")
	}
	q := c.Last()
	if len(q.Buttons) == 0 {
		t.Fatalf("no buttons on %q", q.Text)
	}
	before := len(c.Messages())
	data := q.Buttons[0][0].CallbackData
	id := c.Press(q.ID, data) // registers the query at the fake; delivered below
	tap := fmt.Sprintf(`{"update_id":3,"callback_query":{"id":%q,"from":{"id":%d,"is_bot":false,"first_name":"x","language_code":"en"},`+
		`"message":{"message_id":%d,"date":1700000000,"chat":{"id":%d,"type":"private"},"text":"q"},"chat_instance":"1","data":%q}}`,
		id, c.ID, q.ID, c.ID, data)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { post(tap) })
	}
	wg.Wait()
	if !e.done.wait(c.ID, 52, wait) {
		t.Fatalf("handled %d of 52 updates", e.done.count(c.ID))
	}
	if n := e.fake.Calls("answerCallbackQuery"); n != 1 {
		t.Errorf("one callback query answered %d times", n)
	}
	if !c.Answered(id) {
		t.Error("the query was not answered")
	}
	if got := c.Messages()[before:]; len(got) != 0 {
		t.Errorf("the tap sent %d messages, want its question in the pressed message:\n%s", len(got), joined(got))
	}
	if m := c.Messages()[before-1]; m.Edits != 1 {
		t.Errorf("the pressed message was edited %d times, want once: the tap applied once", m.Edits)
	}
	e.fake.AssertNoRejections(t)
}

// TestQueryAnswersForget: answered query ids are kept queryMemory, and the
// memory does not grow without end under a stream of distinct queries.
func TestQueryAnswersForget(t *testing.T) {
	var a queryAnswers
	t0 := time.Unix(1_700_000_000, 0)
	if !a.early("q", t0) || a.early("q", t0) {
		t.Fatal("early: a query is answered on arrival once")
	}
	if first, early := a.handling("q", t0); first || !early {
		t.Errorf("first copy of an early-answered query: first=%v early=%v", first, early)
	}
	if first, early := a.handling("q", t0); first || early {
		t.Errorf("second copy: first=%v early=%v", first, early)
	}
	if first, _ := a.handling("r", t0); !first {
		t.Error("a new query is not answered")
	}
	for i := range 100_000 {
		a.handling(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second))
	}
	if n := len(a.ids); n > 2*int(queryMemory/time.Second)+1024 {
		t.Errorf("%d query ids kept", n)
	}
}

// TestLostReplyShownOnNextMessage: a reply Telegram never took (the
// network failed through every retry) is not lost for good: the user's
// next message, whatever it says, brings the screen they missed.
func TestLostReplyShownOnNextMessage(t *testing.T) {
	e := start(t, miniSource)
	u := newUser(t, e, e.fake.NewPrivateChat("en"))
	u.say("/start")
	e.fake.FailNext("sendMessage", 502, 0, "")
	e.fake.FailNext("sendMessage", 502, 0, "")
	e.fake.FailNext("sendMessage", 502, 0, "")
	e.fake.FailNext("sendMessage", 502, 0, "")
	if got := u.say("1"); len(got) != 0 { // the answer is applied; its question never arrives
		t.Fatalf("sent despite the failures: %s", joined(got))
	}
	got := u.say("halo?")
	if len(got) != 1 || !strings.Contains(got[0].Text, "Where did you find the offer?") {
		t.Errorf("the next message after a lost reply: %s, want the question missed", joined(got))
	}
}
