package bot

import (
	"testing"
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
