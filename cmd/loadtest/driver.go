package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
)

// updateTimeout bounds the wait for one update's reply; maxAnswers bounds
// one check, so a bot that never reaches a verdict cannot loop forever.
const (
	updateTimeout = 10 * time.Second
	maxAnswers    = 100
)

// phase is what one bot did under the same load.
type phase struct {
	name     string
	elapsed  time.Duration
	checks   int // users who reached the end of the check
	failures []string
	updates  int
	answers  int             // updates that answered a question
	latency  []time.Duration // per update: injected -> keyboard message handled by the fake
	// Bot API calls made for the updates that answered a question.
	answerCalls, maxAnswerCalls int
	apiCalls                    map[string]int
	redis                       redisCounts
	serverCmds                  int64
	mem                         memPeak
	rejections, hookFailed      int
	rates                       []float64 // updates/s of each round
	cpu, redisCPU               time.Duration
	alloc                       goAlloc
}

// add pools the figures of another round into p (nil for none yet).
func (p *phase) add(q *phase) *phase {
	if p == nil {
		q.rates = []float64{q.perSecond()}
		return q
	}
	p.rates = append(p.rates, q.perSecond())
	p.elapsed += q.elapsed
	p.checks += q.checks
	p.failures = append(p.failures, q.failures...)
	p.updates += q.updates
	p.answers += q.answers
	p.latency = append(p.latency, q.latency...)
	p.answerCalls += q.answerCalls
	p.maxAnswerCalls = max(p.maxAnswerCalls, q.maxAnswerCalls)
	for k, v := range q.apiCalls {
		p.apiCalls[k] += v
	}
	p.redis = p.redis.plus(q.redis)
	p.serverCmds += q.serverCmds
	p.cpu += q.cpu
	p.redisCPU += q.redisCPU
	p.alloc = p.alloc.plus(q.alloc)
	p.mem = memPeak{max(p.mem.heapInuse, q.mem.heapInuse), max(p.mem.sys, q.mem.sys), max(p.mem.hwm, q.mem.hwm), p.mem.hwmReset && q.mem.hwmReset}
	p.rejections += q.rejections
	p.hookFailed += q.hookFailed
	return p
}

// runPhase starts a bot with start, drives o.users users through whole
// checks against it, and collects the figures.
func runPhase(ctx context.Context, o options, name string, start func(*env) (stop func(), err error)) (*phase, error) {
	e, err := newEnv(o)
	if err != nil {
		return nil, err
	}
	defer e.close()
	stop, err := start(e)
	if err != nil {
		return nil, err
	}
	defer func() {
		// A connection the fake's client opened but never used would hold
		// up the bot's graceful shutdown for 5s (net/http counts it active).
		e.hookClient.CloseIdleConnections()
		stop() // before e.close: the bot finishes its updates while Redis still answers
	}()
	if err := e.waitWebhook(ctx); err != nil {
		return nil, err
	}
	runtime.GC()
	debug.FreeOSMemory()
	p := &phase{name: name}
	api0, redis0, server0 := e.api.snapshot(), e.redis.snapshot(), e.serverCommands(ctx)
	fake0 := e.fake.Stats()
	cpu0, redisCPU0 := e.cpu(ctx)
	alloc0 := readAlloc()
	stopMem := make(chan struct{})
	mem := sampleMemory(stopMem)
	began := time.Now()
	drive(ctx, o, e, p)
	p.elapsed = time.Since(began)
	cpu, redisCPU := e.cpu(ctx)
	p.cpu, p.redisCPU = cpu-cpu0, redisCPU-redisCPU0
	p.alloc = readAlloc().minus(alloc0)
	close(stopMem)
	p.mem = <-mem
	p.serverCmds = e.serverCommands(ctx) - server0
	p.redis = e.redis.snapshot().minus(redis0)
	p.apiCalls = e.api.snapshot()
	for k, v := range api0 {
		if p.apiCalls[k] -= v; p.apiCalls[k] == 0 {
			delete(p.apiCalls, k) // start-up calls (setWebhook, setMyCommands)
		}
	}
	fake := e.fake.Stats()
	p.rejections, p.hookFailed = fake.Rejections-fake0.Rejections, fake.WebhookFailed-fake0.WebhookFailed
	for _, r := range e.fake.Rejections() {
		p.failures = append(p.failures, "telegram rejected: "+r.String())
	}
	return p, nil
}

// drive runs o.users checks, o.concurrency at a time; each user waits for
// the bot's answer before the next tap, as a person does.
func drive(ctx context.Context, o options, e *env, p *phase) {
	users := make(chan int)
	go func() {
		defer close(users)
		for i := range o.users {
			select {
			case users <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Go(func() {
			for i := range users {
				u := &user{typed: o.typedEvery > 0 && i%o.typedEvery == o.typedEvery-1, lang: []string{"id", "en-US"}[i%2]}
				err := u.check(ctx, e)
				mu.Lock()
				p.merge(u, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// user is one simulated person doing one check.
type user struct {
	typed   bool // types "1" instead of tapping the first answer
	lang    string
	latency []time.Duration
	calls   []int // Bot API calls of each answering update
	done    bool
}

func (u *user) check(ctx context.Context, e *env) error {
	c := e.fake.NewPrivateChat(u.lang)
	e.chats.add(c.ID)
	tr := e.api.track(c.ID)
	defer e.api.untrack(c.ID)
	// A campaign of this run only, so that its statistics can be removed
	// from a real Redis afterwards.
	if _, err := u.update(ctx, tr, func() string { c.SendText("/start loadtest_" + e.runID); return "" }); err != nil {
		return fmt.Errorf("/start: %w", err)
	}
	asked := ""
	for range maxAnswers {
		last := c.Last()
		data := firstAnswer(last)
		if data == "" {
			u.done = true // no answer to give: the verdict (or an end step) is on screen
			return nil
		}
		// A question that takes something else typed (the age) asks again
		// after "1": the user taps it.
		typeIt := u.typed && last.Text != asked
		asked = last.Text
		calls, err := u.update(ctx, tr, func() string {
			if typeIt {
				c.SendText("1")
				return ""
			}
			return c.Press(last.ID, data)
		})
		if err != nil {
			return err
		}
		u.calls = append(u.calls, calls)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return errors.New("no verdict after the answer limit")
}

// update injects one update and waits until the bot has sent the message
// with the next keyboard; it returns the Bot API calls made for it.
func (u *user) update(ctx context.Context, tr *tracker, inject func() (callbackID string)) (int, error) {
	tr.reset()
	began := time.Now()
	query := inject()
	timer := time.NewTimer(updateTimeout)
	defer timer.Stop()
	select {
	case at := <-tr.done:
		u.latency = append(u.latency, at.Sub(began))
	case <-timer.C:
		return 0, fmt.Errorf("no reply within %s", updateTimeout)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	calls := int(tr.calls.Load())
	if query != "" {
		calls++ // answerCallbackQuery: it comes first, so it has been made by now
	}
	return calls, nil
}

func (p *phase) merge(u *user, err error) {
	p.latency = append(p.latency, u.latency...)
	p.updates += len(u.latency)
	p.answers += len(u.calls)
	for _, n := range u.calls {
		p.answerCalls += n
		p.maxAnswerCalls = max(p.maxAnswerCalls, n)
	}
	if u.done {
		p.checks++
	}
	if err != nil && len(p.failures) < 10 {
		p.failures = append(p.failures, err.Error())
	}
}

// firstAnswer returns the data of the first answer button ("a:...") of a
// message, "" when it has none.
func firstAnswer(m tgfake.Message) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Kind == "callback_data" && strings.HasPrefix(b.CallbackData, string(flows.TokAnswer)+":") {
				return b.CallbackData
			}
		}
	}
	return ""
}

// chatList remembers the chats of a run, to delete their sessions from a
// real Redis afterwards.
type chatList struct {
	mu  sync.Mutex
	ids []int64
}

func (l *chatList) add(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids = append(l.ids, id)
}

func (l *chatList) all() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int64(nil), l.ids...)
}
