package bot

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
	"github.com/selfcheck-id/selfcheck/locales"
)

// soakLangs are the users' language_code values and the language each must
// be served in: Indonesian for Indonesian tags and no tag, English for any
// other language.
var soakLangs = []struct{ code, want string }{
	{"id", "id"}, {"id-ID", "id"}, {"", "en"}, {"in", "id"},
	{"en", "en"}, {"en-US", "en"}, {"ms", "en"}, {"pt-br", "en"}, {"zh-hans", "en"},
}

var soakJunk = []string{
	"asdf", "<b>hi</b> & <i>", "1", "2", "3", "7", "99", "0", "ya", "iya", "tidak", "nggak", "yes", "no",
	"tidak tahu", "😀🙏", strings.Repeat("panjang sekali ", 150), "   ", "/", "@selfcheck_test_bot",
	"https://example.org/lowongan", "Nama saya Siti 081234567890", "a\nb", "\u202eterbalik", "&amp;&lt;",
}

var soakCommands = []string{
	"/start", "/start fb_ads", "/start tiktok-id", "/start promo-en", "/start@selfcheck_test_bot", "/restart",
	"/back", "/language", "/help", "/privacy", "/forget", "/stats", "/nope", "/BACK",
}

// soakSeed is SOAK_SEED when set, else a fixed seed: the run is the same
// every time unless asked otherwise (SOAK_SEED=random picks one).
func soakSeed(t *testing.T) uint64 {
	s := os.Getenv("SOAK_SEED")
	switch s {
	case "":
		return 20260605
	case "random":
		return uint64(time.Now().UnixNano())
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("SOAK_SEED=%q: %v", s, err)
	}
	return n
}

// TestSoak lets 40 users (half Indonesian, half English or another
// language) loose on the shipped check at once. Each taps random current
// buttons, sometimes old buttons of earlier messages, types junk, numbers
// and synonyms, sends random commands, sometimes without waiting for the
// bot; then taps through to a verdict. Every user must get a verdict in
// their own language with a phone number, every tap must be answered
// exactly once, Telegram must reject nothing, and the bot must log no
// error (a recovered panic is one). The interleaving of users varies from
// run to run; each user's choices depend only on the seed.
func TestSoak(t *testing.T) {
	seed := soakSeed(t)
	users := 40
	if n, err := strconv.Atoi(os.Getenv("SOAK_USERS")); err == nil && n > 0 {
		users = n
	}
	t.Logf("seed %d (rerun with SOAK_SEED=%d), %d users", seed, seed, users)
	e := startShipped(t)
	ct := e.core.Content()
	began := time.Now()
	var taps atomic.Int64
	t.Run("users", func(t *testing.T) {
		for i := range users {
			// Half Indonesian, half not; the language codes vary.
			var l struct{ code, want string }
			if i%2 == 0 {
				l = soakLangs[(i/2)%4]
			} else {
				l = soakLangs[4+(i/2)%5]
			}
			t.Run(fmt.Sprintf("%02d-%s", i, l.code), func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(seed, uint64(i)))
				u := newUser(t, e, e.fake.NewPrivateChat(l.code))
				soakUser(t, u, r, ct, l.want)
				taps.Add(int64(len(u.queries)))
			})
		}
	})
	t.Logf("%d users in %v; %+v", users, time.Since(began).Round(time.Millisecond), e.fake.Stats())
	// A second answer to one tap is rejected ("query is too old"), so no
	// rejections and as many answers as taps means each exactly once.
	e.fake.AssertNoRejections(t)
	if n := e.fake.Calls("answerCallbackQuery"); int64(n) != taps.Load() {
		t.Errorf("%d answerCallbackQuery calls for %d taps", n, taps.Load())
	}
	for _, m := range e.errs.all() {
		t.Errorf("the bot logged an error: %s", m)
	}
}

func soakUser(t *testing.T, u *user, r *rand.Rand, ct *convo.Content, lang string) {
	u.say("/start")
	for range 15 + r.IntN(20) {
		switch p := r.IntN(100); {
		case p < 45: // a button on the latest message that has some
			if m, ok := latestWithButtons(u.c.Messages()); ok {
				pressRandom(u, r, m)
			}
		case p < 60: // a button still showing on an earlier message
			msgs := u.c.Messages()
			var old []tgfake.Message
			if m, ok := latestWithButtons(msgs); ok {
				for _, o := range msgs {
					if o.ID != m.ID && len(callbackButtons(o)) > 0 {
						old = append(old, o)
					}
				}
			}
			if len(old) > 0 {
				pressRandom(u, r, old[r.IntN(len(old))])
			}
		case p < 80:
			u.send(soakJunk[r.IntN(len(soakJunk))])
		default:
			u.send(soakCommands[r.IntN(len(soakCommands))])
		}
		// Mostly wait for the bot like a person; sometimes tap again at once.
		if r.IntN(4) > 0 {
			u.sync()
		}
	}
	u.sync()

	// Now finish: start again, in one's own language, and tap through.
	got := u.say("/start")
	welcome := ct.Msgs.Text(lang, ct.Flow.Steps[ct.Flow.Start].Text, false, map[string]any{"Kept": locales.Duration(lang, sessionTTL)})
	if len(got) == 0 || !strings.Contains(got[len(got)-1].Text, welcome) {
		got = u.say("/language")
	}
	if len(got) == 0 || !strings.Contains(got[len(got)-1].Text, welcome) {
		t.Fatalf("cannot get the welcome in %s: %s", lang, joined(got))
	}
	q := got[len(got)-1]
	for i := 0; ; i++ {
		if i > 60 {
			t.Fatalf("no verdict after %d answers", i)
		}
		answers := answerButtons(q)
		if len(answers) == 0 {
			t.Fatalf("no answers on %q", q.Text)
		}
		k := r.IntN(len(answers))
		if i == 0 {
			k = r.IntN(2) // the offer checks, not the emergency door
		}
		if r.IntN(5) == 0 {
			got = u.say(strconv.Itoa(k + 1)) // typed instead of tapped
		} else {
			got = u.do(func() { u.pressData(q.ID, answers[k].CallbackData) })
		}
		if len(got) == 0 {
			t.Fatalf("answer %d to %q: no reply", k+1, q.Text)
		}
		// The verdict follows the last question (edited to show the
		// answer); a next question is in the pressed message, or new.
		if i := slices.IndexFunc(got, func(m tgfake.Message) bool { return verdictLang(ct, m.Text) != "" }); i >= 0 {
			checkVerdict(t, ct, got[i:], lang)
			break
		}
		q = got[len(got)-1]
	}
	u.allAnswered()
}

func callbackButtons(m tgfake.Message) []tgfake.Button {
	var out []tgfake.Button
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Kind == "callback_data" {
				out = append(out, b)
			}
		}
	}
	return out
}

func latestWithButtons(msgs []tgfake.Message) (tgfake.Message, bool) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(callbackButtons(msgs[i])) > 0 {
			return msgs[i], true
		}
	}
	return tgfake.Message{}, false
}

func pressRandom(u *user, r *rand.Rand, m tgfake.Message) {
	bs := callbackButtons(m)
	u.pressData(m.ID, bs[r.IntN(len(bs))].CallbackData)
}
