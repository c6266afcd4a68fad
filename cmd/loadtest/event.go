package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/selfcheck-id/selfcheck/bot"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
	"github.com/selfcheck-id/selfcheck/locales"
)

// Event mode: people arrive at a school hall, scan the QR code and do a
// whole check each, thinking between taps, against the real bot with
// Telegram's pacing on and a fake that answers 429 to any message over
// Telegram's limits. Every figure is taken at the fake, as the person's
// phone would see it.

// watch is one fake's observer: it hands each call to the person whose
// chat it is about and keeps what a load report needs of all of them.
type watch struct {
	chats    sync.Map // chat id -> chan tgfake.Call
	onCall   func(tgfake.Call)
	mu       sync.Mutex
	sends    []time.Time // arrivals of sendMessage and editMessageText
	tooMany  atomic.Int64
	overflow atomic.Int64 // calls a person's channel had no room for
}

// delivered hands a webhook delivery to the person whose chat it is
// about, as a pseudo-call "delivered" (Code 200 when the bot took it, 503
// when it refused it).
func (w *watch) delivered(d tgfake.Delivery) {
	code := http.StatusServiceUnavailable
	if d.OK {
		code = http.StatusOK
	}
	if ch, ok := w.chats.Load(d.ChatID); ok {
		select {
		case ch.(chan tgfake.Call) <- tgfake.Call{Method: "delivered", ChatID: d.ChatID, Code: code, Arrived: d.Queued, Done: d.At}:
		default:
			w.overflow.Add(1)
		}
	}
}

func (w *watch) observe(c tgfake.Call) {
	if c.Method == "sendmessage" || c.Method == "editmessagetext" {
		w.mu.Lock()
		w.sends = append(w.sends, c.Arrived)
		w.mu.Unlock()
	}
	if c.Code == 429 {
		w.tooMany.Add(1)
	}
	if w.onCall != nil {
		w.onCall(c)
	}
	if ch, ok := w.chats.Load(c.ChatID); ok {
		select {
		case ch.(chan tgfake.Call) <- c:
		default:
			w.overflow.Add(1)
		}
	}
}

// peakPerSecond is the most messages that arrived within any one second.
func (w *watch) peakPerSecond() int {
	w.mu.Lock()
	ts := slices.Clone(w.sends)
	w.mu.Unlock()
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	peak, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Second {
			j++
		}
		peak = max(peak, i-j+1)
	}
	return peak
}

// crowdResult is what the people of a run saw.
type crowdResult struct {
	mu         sync.Mutex
	people     int
	done       int
	first      []time.Duration // /start -> the first message
	screens    []time.Duration // tap or typed answer -> the next screen
	reached    []time.Duration // tap or typed answer -> the bot took its update (webhook 200)
	refusals   int             // deliveries of people's updates the bot refused
	answers    []time.Duration // tap -> its callback answer
	taps       int
	busy       int // taps answered with the busy notice
	lost       int // no next screen within the bound
	stuck      int // a toast other than the busy notice on a valid tap
	stuckTexts []string
}

// crowd drives people through checks on fakes watched by their watches.
type crowd struct {
	o        options
	runID    string
	busyText []string // the busy notice's text up to its number, id and en
	res      *crowdResult
}

func newCrowd(o options, ct *convo.Content, runID string) *crowd {
	c := &crowd{o: o, runID: runID, res: &crowdResult{}}
	for _, lang := range []string{"id", "en"} {
		text := ct.Msgs.Text(lang, locales.Busy, false, map[string]any{"N": 987654})
		c.busyText = append(c.busyText, text[:strings.Index(text, "987654")])
	}
	return c
}

func (c *crowd) isBusy(toast string) bool {
	return slices.ContainsFunc(c.busyText, func(p string) bool { return strings.HasPrefix(toast, p) })
}

// person is one person doing one whole check on e's fake: /start, then
// taps (or, for typed, "1") until the verdict, thinking between them.
func (c *crowd) person(ctx context.Context, e *env, w *watch, i int, flood bool) {
	lang := []string{"id", "en-US"}[i%2]
	typed := c.o.typedEvery > 0 && i%c.o.typedEvery == c.o.typedEvery-1
	chat := e.fake.NewPrivateChat(lang)
	if !flood {
		e.chats.add(chat.ID)
	}
	calls := make(chan tgfake.Call, 256)
	w.chats.Store(chat.ID, calls)
	defer w.chats.Delete(chat.ID)
	var first, screens, answers, reached []time.Duration
	var taps, busy, lost, stuck, refusals int
	var stuckTexts []string
	done := false
	defer func() {
		r := c.res
		r.mu.Lock()
		defer r.mu.Unlock()
		r.people++
		if done {
			r.done++
		}
		r.first = append(r.first, first...)
		r.screens = append(r.screens, screens...)
		r.answers = append(r.answers, answers...)
		r.reached = append(r.reached, reached...)
		r.refusals += refusals
		r.taps += taps
		r.busy += busy
		r.lost += lost
		r.stuck += stuck
		if len(r.stuckTexts) < 5 {
			r.stuckTexts = append(r.stuckTexts, stuckTexts...)
		}
	}()
	// wait reads calls until a message with a keyboard is sent or edited
	// in the chat (the next screen), noting the first message and the
	// answer to query; false when none came within the bound.
	wait := func(began time.Time, query string, firstMsg bool) bool {
		timer := time.NewTimer(c.o.lostAfter)
		defer timer.Stop()
		for {
			select {
			case call := <-calls:
				switch {
				case call.Method == "delivered" && call.Code != 200:
					refusals++
				case call.Method == "delivered":
					reached = append(reached, call.Done.Sub(began))
				case call.Code != 200:
				case call.Method == "answercallbackquery" && call.QueryID == query:
					answers = append(answers, call.Done.Sub(began))
					switch {
					case call.Text == "":
					case c.isBusy(call.Text):
						busy++
					default:
						stuck++
						stuckTexts = append(stuckTexts, call.Text)
					}
				case call.Method == "sendmessage" || call.Method == "editmessagetext":
					if firstMsg && call.Method == "sendmessage" {
						first, firstMsg = append(first, call.Done.Sub(began)), false
					}
					if call.Keyboard {
						screens = append(screens, call.Done.Sub(began))
						return true
					}
				}
			case <-timer.C:
				lost++
				return false
			case <-ctx.Done():
				return false
			}
		}
	}
	began := time.Now()
	chat.SendText("/start loadtest_" + c.runID)
	if !wait(began, "", true) {
		return
	}
	screens = screens[:0] // the first screen is counted as the first reply
	asked := ""
	for range maxAnswers {
		last := chat.Last()
		// A question that takes something else typed (the age) asks again
		// after "1": that person taps it.
		typeIt := typed && last.Text != asked
		asked = last.Text
		data := firstAnswer(last)
		if data == "" {
			done = true // the verdict is on screen
			return
		}
		think := c.o.thinkMin + rand.N(c.o.thinkMax-c.o.thinkMin+1)
		if !sleepCtx(ctx, think) {
			return
		}
		for len(calls) > 0 { // late calls of the screen before (the verdict's other messages)
			<-calls
		}
		began := time.Now()
		query := ""
		if typeIt {
			chat.SendText("1")
		} else {
			query = chat.Press(last.ID, data)
			taps++
		}
		if !wait(began, query, false) {
			return
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// eventFakeOptions make a fake behave as Telegram does at an event: 429 to
// messages over its limits, and refused webhook deliveries retried for
// minutes.
func eventFakeOptions(o options, w *watch, firstUser int64) []tgfake.Option {
	return []tgfake.Option{tgfake.WithEnforcedRateLimits(), tgfake.WithCallObserver(w.observe), tgfake.WithDeliveryObserver(w.delivered),
		tgfake.WithWebhookRetryFor(10*time.Minute, 500*time.Millisecond, o.retryMax),
		tgfake.WithFirstUserID(firstUser)}
}

// eventRun is one run of event mode with its figures.
type eventRun struct {
	people, tokens int
	res            *crowdResult
	peaks          []int // per token
	tooMany        int
	rejections     []string // other than 429
	refused        int      // webhook deliveries refused (503) or failed
	dropped        int      // given up by the fake after minutes of retries
	shed           map[string]int
	assigned       []int
	overflow       int64
	elapsed        time.Duration
}

// runEvent runs people through checks on tokens bots sharing one core
// and store; each new person goes to the bot with the least Load.
func runEvent(ctx context.Context, o options, ct *convo.Content, people, tokens int) (*eventRun, error) {
	run := &eventRun{people: people, tokens: tokens, shed: map[string]int{}, assigned: make([]int, tokens)}
	var envs []*env
	var watches []*watch
	defer func() {
		for _, e := range envs {
			e.close()
		}
	}()
	for i := range tokens {
		w := &watch{}
		e, err := newEnv(o, eventFakeOptions(o, w, 100_000_000+int64(i)*10_000_000)...)
		if err != nil {
			return nil, err
		}
		envs, watches = append(envs, e), append(watches, w)
	}
	core, stopCore, err := newOursCore(ctx, envs[0].rdb, ct)
	if err != nil {
		return nil, err
	}
	defer func() {
		stopCore()
		if envs[0].mr == nil {
			for _, e := range envs {
				cleanOurs(core, e)
			}
		}
	}()
	var bots []*bot.Bot
	counters := make([]*shedCounter, tokens)
	for i, e := range envs {
		counters[i] = &shedCounter{}
		b, stop, err := startBot(ctx, e, core, true, counters[i])
		if err != nil {
			return nil, err
		}
		defer func() { e.hookClient.CloseIdleConnections(); stop() }()
		bots = append(bots, b)
		if err := e.waitWebhook(ctx); err != nil {
			return nil, err
		}
	}
	cr := newCrowd(o, ct, envs[0].runID)
	began := time.Now()
	var wg sync.WaitGroup
	for i := range people {
		if !sleepCtx(ctx, time.Until(began.Add(o.arrive*time.Duration(i)/time.Duration(people)))) {
			break
		}
		// The least loaded bot, as a campaign link's redirect would pick
		// it; on a tie, the one with the fewest people so far.
		k := 0
		for j := range bots {
			lj, lk := bots[j].Load(), bots[k].Load()
			if lj < lk || lj == lk && run.assigned[j] < run.assigned[k] {
				k = j
			}
		}
		run.assigned[k]++
		wg.Go(func() { cr.person(ctx, envs[k], watches[k], i, false) })
	}
	wg.Wait()
	run.elapsed = time.Since(began)
	run.res = cr.res
	for i, e := range envs {
		w := watches[i]
		run.peaks = append(run.peaks, w.peakPerSecond())
		run.tooMany += int(w.tooMany.Load())
		run.overflow += w.overflow.Load()
		st := e.fake.Stats()
		run.refused += st.WebhookFailed
		run.dropped += st.WebhookDropped
		for _, r := range e.fake.Rejections() {
			if r.Code != 429 && len(run.rejections) < 5 {
				run.rejections = append(run.rejections, r.String())
			}
		}
		for k, v := range counters[i].snapshot() {
			run.shed[k] += v
		}
	}
	return run, nil
}

func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func over(ds []time.Duration, d time.Duration) int {
	n := 0
	for _, x := range ds {
		if x > d {
			n++
		}
	}
	return n
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func dist(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s  (n %d)", secs(pct(ds, .5)), secs(pct(ds, .95)), secs(pct(ds, .99)), secs(pct(ds, 1)), len(ds))
}

func printCrowd(r *crowdResult, lostAfter time.Duration) {
	fmt.Printf("  checks completed                 %d of %d people\n", r.done, r.people)
	fmt.Printf("  tap or typed answer -> next screen  %s\n", dist(r.screens))
	fmt.Printf("  /start -> first message          %s; over 2s: %d\n", dist(r.first), over(r.first, 2*time.Second))
	fmt.Printf("  tap -> its callback answer       %s; over 2s: %d\n", dist(r.answers), over(r.answers, 2*time.Second))
	fmt.Printf("  update -> taken by the bot (webhook 200)  %s; deliveries refused %d\n", dist(r.reached), r.refusals)
	fmt.Printf("  busy notices                     %d of %d taps\n", r.busy, r.taps)
	fmt.Printf("  lost (no next screen within %s) %d; stuck (a toast other than busy on a valid tap) %d %q\n", lostAfter, r.lost, r.stuck, r.stuckTexts)
}

func printEvent(o options, run *eventRun) {
	fmt.Printf("\nevent: %d people arriving over %s, thinking %s-%s, %s, %d token(s) (people per token %v), pacing on (the bot's defaults), the fake answering 429 over Telegram's limits; %.0fs\n",
		run.people, o.arrive, o.thinkMin, o.thinkMax, typingOf(o), run.tokens, run.assigned, run.elapsed.Seconds())
	printCrowd(run.res, o.lostAfter)
	fmt.Printf("  peak messages in one second (sendMessage+editMessageText arrivals, per token) %v\n", run.peaks)
	fmt.Printf("  429 answers %d; other rejections %q\n", run.tooMany, run.rejections)
	fmt.Printf("  webhook deliveries refused (503) %d, dropped by the fake %d; bot shed %v\n", run.refused, run.dropped, run.shed)
	if run.overflow > 0 {
		fmt.Printf("  (tool: %d calls found a person's channel full)\n", run.overflow)
	}
	r := run.res
	fmt.Println("targets:")
	target(fmt.Sprintf("next screen p95 <= 1.5s (%d people, %d token(s))", run.people, run.tokens), pct(r.screens, .95) <= 1500*time.Millisecond, "%s", secs(pct(r.screens, .95)))
	target("never more than 30 messages in a second per token", slices.Max(run.peaks) <= 30, "peak %d, 429s %d", slices.Max(run.peaks), run.tooMany)
	target("first reply within 2s for everyone", over(r.first, 2*time.Second) == 0 && len(r.first) == r.people, "%d over 2s, %d without one", over(r.first, 2*time.Second), r.people-len(r.first))
	target("every tap answered (reply or busy notice) within 2s", over(r.answers, 2*time.Second) == 0 && len(r.answers) == r.taps, "%d over 2s, %d unanswered", over(r.answers, 2*time.Second), r.taps-len(r.answers))
	target("no tap lost or stuck", r.lost == 0 && r.stuck == 0, "lost %d, stuck %d", r.lost, r.stuck)
}

func typingOf(o options) string {
	if o.typedEvery > 0 {
		return fmt.Sprintf("1 in %d typing", o.typedEvery)
	}
	return "none typing"
}
