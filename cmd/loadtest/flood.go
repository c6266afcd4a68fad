package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/bot"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
	"github.com/selfcheck-id/selfcheck/metrics"
)

// Flood mode: thousands of /start from distinct chats within seconds (a
// link shared too widely, or a script), while people at an event do their
// checks. The bot runs in a child process (this program again), so that
// its resident memory and goroutines are its own and not the fake's or
// the crowd's; the fake in this process delivers to it over loopback.

// botChildEnv carries the child's botChildConfig as JSON.
const botChildEnv = "SELFCHECK_LOADTEST_BOT_CHILD"

type botChildConfig struct {
	API, Token, Secret, Listen, HookURL string
	RedisURL                            string // "" for the embedded store, in the child
}

// botChildResult is what the child reports when told to stop.
type botChildResult struct {
	PeakRSS, HWM, PeakHeap int64 // bytes
	PeakGoroutines         int
	PeakLoad               time.Duration // (*bot.Bot).Load, the wait a new person's first reply would have
	Shed                   map[string]int
	Forgot                 int // chats whose sessions were deleted afterwards
}

// botChild runs the bot until a line "stop FIRST LAST" on stdin, then
// stops it, deletes the sessions of chats FIRST..LAST from a real Redis
// and prints a botChildResult.
func botChild() int {
	if err := botChildRun(); err != nil {
		fmt.Fprintln(os.Stderr, "bot child:", err)
		return 1
	}
	return 0
}

func botChildRun() error {
	var cfg botChildConfig
	if err := json.Unmarshal([]byte(os.Getenv(botChildEnv)), &cfg); err != nil {
		return err
	}
	ct, _, err := loadContent()
	if err != nil {
		return err
	}
	ctx := context.Background()
	var rdb *redis.Client
	if cfg.RedisURL != "" {
		opts, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return err
		}
		// The timeouts and retries session.Connect gives a production client.
		opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.MaxRetries = 2*time.Second, time.Second, time.Second, 1
		rdb = redis.NewClient(opts)
	} else {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return err
		}
		defer mr.Close()
		rdb = redis.NewClient(&redis.Options{Addr: mr.Addr()})
	}
	defer rdb.Close()
	core, stopCore, err := newOursCore(ctx, rdb, ct)
	if err != nil {
		return err
	}
	m := metrics.New()
	core.Observe(m)
	rec := &shedCounter{Recorder: m}
	b, err := bot.New(ctx, core, cfg.Token, bot.WithAPIURL(cfg.API), bot.WithUsername(tgfake.DefaultBotUsername),
		bot.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), bot.WithRecorder(rec), bot.WithHTTPClient(bot.NewHTTPClient(100)))
	if err != nil {
		return err
	}
	core.ShareLink = b.Link("")
	hookCtx, stopHook := context.WithCancel(ctx)
	hookDone := make(chan error, 1)
	go func() { hookDone <- b.Webhook(hookCtx, cfg.HookURL, cfg.Secret, cfg.Listen, nil) }()

	var res botChildResult
	var mu sync.Mutex
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for n := 0; ; n++ {
			g, rss, load := runtime.NumGoroutine(), procStatus("VmRSS"), b.Load()
			var heap int64
			if n%5 == 0 { // ReadMemStats stops the world: 10 a second
				runtime.ReadMemStats(&ms)
				heap = int64(ms.HeapInuse)
			}
			mu.Lock()
			res.PeakGoroutines, res.PeakRSS, res.PeakLoad, res.PeakHeap = max(res.PeakGoroutines, g), max(res.PeakRSS, rss), max(res.PeakLoad, load), max(res.PeakHeap, heap)
			mu.Unlock()
			select {
			case <-stopSampling:
				return
			case <-t.C:
			}
		}
	}()

	var first, last int64
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	_, _ = fmt.Sscanf(line, "stop %d %d", &first, &last)
	close(stopSampling)
	<-sampled
	stopHook()
	if err := <-hookDone; err != nil {
		fmt.Fprintln(os.Stderr, "bot child: webhook:", err)
	}
	stopCore()
	res.HWM = procStatus("VmHWM")
	res.Shed = rec.snapshot()
	if cfg.RedisURL != "" && first > 0 {
		fctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		for id := first; id <= last; id++ {
			if core.Forget(fctx, id) == nil {
				res.Forgot++
			}
		}
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// floodChat is one chat of the flood: when its /start went and whether it
// was answered.
type floodChat struct {
	sent     time.Time
	answered atomic.Bool
}

func runFlood(ctx context.Context, o options) error {
	ct, contentName, err := loadContent()
	if err != nil {
		return err
	}
	w := &watch{}
	var floodSet sync.Map // chat id -> *floodChat
	var answeredN atomic.Int64
	var fmu sync.Mutex
	var floodLat []time.Duration
	w.onCall = func(c tgfake.Call) {
		if c.Method != "sendmessage" || c.Code != 200 {
			return
		}
		if v, ok := floodSet.Load(c.ChatID); ok && v.(*floodChat).answered.CompareAndSwap(false, true) {
			answeredN.Add(1)
			fmu.Lock()
			floodLat = append(floodLat, c.Done.Sub(v.(*floodChat).sent))
			fmu.Unlock()
		}
	}
	const firstUser = 100_000_000
	e, err := newEnv(o, eventFakeOptions(o, w, firstUser)...)
	if err != nil {
		return err
	}
	defer e.close()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cfg, _ := json.Marshal(botChildConfig{API: e.fake.URL(), Token: e.token, Secret: e.secret, Listen: e.listen,
		HookURL: e.hookURL("selfcheck"), RedisURL: o.redisURL})
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), botChildEnv+"="+string(cfg))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }() // only if we return early
	if err := e.waitWebhook(ctx); err != nil {
		return err
	}
	store := "embedded (miniredis in the bot process)"
	if o.redisURL != "" {
		store = "Redis at " + redactURL(o.redisURL)
	}
	fmt.Printf("loadtest flood: %d /start from distinct chats over %s, starting %s after the first of %d people doing checks (arriving over %s, thinking %s-%s, %s); content %q, store %s; the bot in its own process, pacing on; the fake answers 429 over Telegram's limits and retries refused deliveries for 10 minutes (backoff 0.5s doubling to %s)\n",
		o.flood, o.floodOver, o.floodAfter, o.people, o.arrive, o.thinkMin, o.thinkMax, typingOf(o), contentName, store, o.retryMax)

	cr := newCrowd(o, ct, e.runID)
	began := time.Now()
	var wg sync.WaitGroup
	wg.Go(func() {
		const tick = 10 * time.Millisecond
		if !sleepCtx(ctx, o.floodAfter) {
			return
		}
		floodBegan := time.Now()
		sent := 0
		for sent < o.flood {
			due := min(o.flood, int(float64(o.flood)*float64(time.Since(floodBegan))/float64(o.floodOver))+1)
			for ; sent < due; sent++ {
				chat := e.fake.NewPrivateChat("id")
				floodSet.Store(chat.ID, &floodChat{sent: time.Now()})
				chat.SendText("/start")
			}
			if !sleepCtx(ctx, tick) {
				return
			}
		}
	})
	for i := range o.people {
		if !sleepCtx(ctx, time.Until(began.Add(o.arrive*time.Duration(i)/time.Duration(o.people)))) {
			break
		}
		wg.Go(func() { cr.person(ctx, e, w, i, true) })
	}
	wg.Wait()
	peopleDone := time.Since(began)
	for deadline := time.Now().Add(o.drain); answeredN.Load() < int64(o.flood) && time.Now().Before(deadline); {
		if !sleepCtx(ctx, 500*time.Millisecond) {
			break
		}
	}
	elapsed := time.Since(began)
	fake := e.fake.Stats()
	last := e.fake.NewPrivateChat("id").ID // every chat of the run is below
	if _, err := fmt.Fprintf(stdin, "stop %d %d\n", firstUser, last); err != nil {
		return err
	}
	var res botChildResult
	if err := json.NewDecoder(stdout).Decode(&res); err != nil {
		return fmt.Errorf("bot child's report: %w", err)
	}
	_ = stdin.Close()
	e.hookClient.CloseIdleConnections()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("bot child: %w", err)
	}

	answered := int(answeredN.Load())
	fmt.Printf("\nafter %.0fs (people done at %.0fs):\n", elapsed.Seconds(), peopleDone.Seconds())
	fmt.Println("bot process (peaks sampled every 20ms):")
	fmt.Printf("  peak RSS %.1f MiB (VmHWM %.1f MiB), peak Go HeapInuse %.1f MiB, peak goroutines %d, peak Load %s\n",
		mib(uint64(res.PeakRSS)), mib(uint64(res.HWM)), mib(uint64(res.PeakHeap)), res.PeakGoroutines, res.PeakLoad.Round(time.Millisecond))
	fmt.Printf("  updates refused, dropped or waiting in the lobby, by reason: %v\n", res.Shed)
	fmt.Println("people doing checks:")
	printCrowd(cr.res, o.lostAfter)
	fmt.Println("flood:")
	fmt.Printf("  /start answered %d of %d; not answered at the end %d (in the bot's lobby when it stopped %d); /start -> first message %s\n",
		answered, o.flood, o.flood-answered, res.Shed["left"], dist(floodLat))
	fmt.Printf("  webhook deliveries refused (503) %d; updates dropped by the fake after retrying %d; still queued at the fake %d\n",
		fake.WebhookFailed, fake.WebhookDropped, fake.UpdatesPending)
	fmt.Printf("  peak messages in one second %d; 429 answers %d\n", w.peakPerSecond(), w.tooMany.Load())
	if o.redisURL != "" {
		fmt.Printf("  (sessions of %d chats deleted from Redis afterwards)\n", res.Forgot)
	}
	r := cr.res
	fmt.Println("targets:")
	target("RSS at most 150 MiB", res.HWM <= 150<<20, "%.1f MiB", mib(uint64(res.HWM)))
	target("goroutines at most 2000", res.PeakGoroutines <= 2000, "%d", res.PeakGoroutines)
	target("people answered or told to wait (no tap lost or stuck)", r.lost == 0 && r.stuck == 0 && r.done == r.people,
		"%d of %d checks done, lost %d, stuck %d, busy notices %d", r.done, r.people, r.lost, r.stuck, r.busy)
	target("no update lost (dropped) by the bot while it ran", res.Shed["chat_queue"]+res.Shed["abandoned"] == 0 && fake.WebhookDropped == 0,
		"dropped: bot %d, fake %d", res.Shed["chat_queue"]+res.Shed["abandoned"], fake.WebhookDropped)
	if left := res.Shed["left"]; left > 0 {
		fmt.Printf("  (the stop left %d /start in the lobby unanswered: nothing was stored for them, and /start again works; -drain waits for them)\n", left)
	}
	fmt.Printf("\ntotal time %.1fs\n", time.Since(began).Seconds())
	return nil
}

// runEventMode is -mode event: one run, one report.
func runEventMode(ctx context.Context, o options) error {
	ct, contentName, err := loadContent()
	if err != nil {
		return err
	}
	fmt.Printf("loadtest event: content %q, store %s, GOMAXPROCS %d\n", contentName, storeName(o), gomaxprocs())
	run, err := runEvent(ctx, o, ct, o.people, o.tokens)
	if err != nil {
		return err
	}
	printEvent(o, run)
	return nil
}

func storeName(o options) string {
	if o.redisURL != "" {
		return "Redis at " + redactURL(o.redisURL)
	}
	return "embedded (an in-process miniredis)"
}
