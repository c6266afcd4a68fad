// Command loadtest measures the Telegram bot under load, in one process and
// without the network: it starts the fake Bot API (internal/testkit/tgfake), runs the
// real bot in webhook mode against it, drives simulated users through whole
// checks and reports throughput, latency, Redis and Bot API calls per update
// and memory. In the same run and harness it measures a bare baseline bot
// (one Redis GET and SET per update, the same Bot API calls), so the figures
// can be read as a ratio rather than as absolute numbers of this machine.
// Then it measures what a stored session costs in Redis and in the embedded
// store.
//
//	go run ./cmd/loadtest                      # embedded store, in-process
//	REDIS_URL=redis://127.0.0.1:6390/0 go run ./cmd/loadtest   # a scratch Redis
//
// Other modes (-mode) measure the bot at an event, with Telegram's pacing
// on and a fake that answers 429 to any message over Telegram's limits and
// retries refused webhook deliveries for minutes, all timed at the fake as
// a person's phone would see it:
//
//	-mode event   -people 150 -arrive 30s -think 3s-8s   # a school hall, one token
//	-mode flood   -flood 20000 -flood-over 10s -people 30 # a flood of /start beside people doing checks
//	-mode tokens  -tokens 3 -sweep 150,180,210            # capacity with one token and with three
//
// Everything listens and dials on loopback only; every loop is bounded in
// count and in time (-timeout).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"
)

type options struct {
	users       int
	concurrency int
	typedEvery  int // every n-th user types the answers instead of tapping
	redisURL    string
	idleConns   int
	sessions    int // stored for the Redis-memory-per-session figure
	heapSession int // stored through the core for the embedded store's heap-per-session figure
	rssSessions int // stored for the resident-memory figure
	rssSample   int // of them, put through the core (the rest are copies); 0 for all
	rounds      int // baseline and selfcheck phases alternate this many times
	timeout     time.Duration
	skipMemory  bool
	cpuprofile  string
	cpuprofileB string // the same for the baseline
	memprofile  string

	// Event, flood and tokens modes (see event.go, flood.go, tokens.go).
	mode               string
	people             int
	arrive             time.Duration
	thinkMin, thinkMax time.Duration
	lostAfter          time.Duration
	tokens             int
	sweep              string // tokens mode: people per token to try
	flood              int
	floodOver          time.Duration
	drain              time.Duration
	floodAfter         time.Duration
	retryMax           time.Duration // the fake's longest wait between deliveries of a refused update
}

func main() {
	if os.Getenv(childEnv) != "" {
		os.Exit(rssChild()) // the re-executed process of measureRSS
	}
	if os.Getenv(botChildEnv) != "" {
		os.Exit(botChild()) // the bot process of flood mode
	}
	var o options
	flag.IntVar(&o.users, "users", 200, "simulated users, each doing one whole check")
	flag.IntVar(&o.concurrency, "concurrency", 50, "users active at the same time")
	flag.IntVar(&o.typedEvery, "typed-every", 5, "every n-th user types answers (\"1\") instead of tapping; 0 for none")
	flag.StringVar(&o.redisURL, "redis-url", os.Getenv("REDIS_URL"), "a scratch Redis (env REDIS_URL); empty: the embedded store, an in-process miniredis, as `selfcheck run` without REDIS_URL")
	flag.IntVar(&o.idleConns, "idle-conns", 100, "keep-alive connections per host for Bot API calls (net/http's default is 2)")
	flag.IntVar(&o.sessions, "sessions", 10000, "sessions stored mid-check to measure Redis memory per session")
	flag.IntVar(&o.heapSession, "heap-sessions", 2000, "sessions stored mid-check through the core on miniredis to measure the embedded store's Go heap per session")
	flag.IntVar(&o.rssSessions, "rss-sessions", 100000, "sessions stored (in the embedded store, or in REDIS_URL) for the bot's resident-memory figure; 0 to skip")
	flag.IntVar(&o.rssSample, "rss-sample", 64, "of the -rss-sessions, how many go through the core; the others are copies of them under their own keys (0: all through the core, minutes on miniredis)")
	flag.IntVar(&o.rounds, "rounds", 3, "alternate baseline and selfcheck phases this many times (figures are pooled)")
	flag.DurationVar(&o.timeout, "timeout", 55*time.Second, "give up after this long in all")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the first selfcheck phase to this file")
	flag.StringVar(&o.cpuprofileB, "cpuprofile-baseline", "", "write a CPU profile of the first baseline phase to this file")
	flag.StringVar(&o.memprofile, "memprofile", "", "write a heap profile of the process that stored -rss-sessions sessions to this file")
	flag.BoolVar(&o.skipMemory, "skip-memory", false, "skip the per-session memory measurements")
	flag.StringVar(&o.mode, "mode", "compare", "compare: throughput against the baseline, pacing off; event: people at a school hall, pacing on; flood: a flood of /start beside people doing checks; tokens: capacity with 1 and -tokens bots")
	flag.IntVar(&o.people, "people", 150, "event and flood modes: people doing a whole check each")
	flag.DurationVar(&o.arrive, "arrive", 30*time.Second, "event and flood modes: people arrive evenly over this long")
	think := flag.String("think", "3s-8s", "event and flood modes: time between a screen and the next tap, uniformly random in this range")
	flag.DurationVar(&o.lostAfter, "lost-after", time.Minute, "event and flood modes: a tap with no next screen after this long is lost")
	flag.IntVar(&o.tokens, "tokens", 1, "event mode: bot tokens (each its own fake Bot API), sharing one core and store; tokens mode: the many-token case")
	flag.StringVar(&o.sweep, "sweep", "150,180,210", "tokens mode: people per token to try, comma-separated")
	flag.IntVar(&o.flood, "flood", 20000, "flood mode: /start updates from distinct chats")
	flag.DurationVar(&o.floodOver, "flood-over", 10*time.Second, "flood mode: the flood arrives evenly over this long")
	flag.DurationVar(&o.floodAfter, "flood-after", 0, "flood mode: the flood starts this long after the first person arrives (people already in their checks)")
	flag.DurationVar(&o.retryMax, "retry-max", 8*time.Second, "event and flood modes: the fake's longest wait before delivering a refused update again (its backoff starts at 0.5s and doubles)")
	flag.DurationVar(&o.drain, "drain", 0, "flood mode: after the people are done, wait at most this long for every flood /start to be answered")
	flag.Parse()
	timeoutSet := false
	flag.Visit(func(f *flag.Flag) { timeoutSet = timeoutSet || f.Name == "timeout" })
	if o.mode != "compare" && !timeoutSet {
		o.timeout = 30 * time.Minute
	}
	lo, hi, ok := strings.Cut(*think, "-")
	var err1, err2 error
	o.thinkMin, err1 = time.ParseDuration(lo)
	o.thinkMax, err2 = time.ParseDuration(hi)
	if !ok || err1 != nil || err2 != nil || o.thinkMin < 0 || o.thinkMax < o.thinkMin {
		fmt.Fprintln(os.Stderr, "loadtest: -think takes a range such as 3s-8s")
		os.Exit(2)
	}
	if o.people < 1 || o.tokens < 1 {
		fmt.Fprintln(os.Stderr, "loadtest: -people and -tokens must be at least 1")
		os.Exit(2)
	}
	if o.users < 1 || o.concurrency < 1 || o.rounds < 1 || o.sessions < 1 || o.heapSession < 1 {
		fmt.Fprintln(os.Stderr, "loadtest: -users, -concurrency, -rounds, -sessions and -heap-sessions must be at least 1")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	run := map[string]func(context.Context, options) error{"compare": run, "event": runEventMode, "flood": runFlood, "tokens": runTokens}[o.mode]
	if run == nil {
		fmt.Fprintf(os.Stderr, "loadtest: -mode %q: one of compare, event, flood, tokens\n", o.mode)
		os.Exit(2)
	}
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	start := time.Now()
	ct, contentName, err := loadContent()
	if err != nil {
		return err
	}
	sc, err := renderScript(ctx, ct)
	if err != nil {
		return err
	}
	steps := sc.answers()
	store := "embedded (an in-process miniredis for each bot)"
	if o.redisURL != "" {
		store = "Redis at " + redactURL(o.redisURL)
	}
	typing := "none typing"
	if o.typedEvery > 0 {
		typing = fmt.Sprintf("1 in %d typing", o.typedEvery)
	}
	fmt.Printf("loadtest: %d users (%d at a time, %s), content %q (%d answers per check), store %s, GOMAXPROCS %d\n\n",
		o.users, o.concurrency, typing, contentName, steps, store, gomaxprocs())

	// The two bots take turns, so that a slow moment of the machine (other
	// processes, CPU frequency) falls on both rather than on one.
	var base, ours *phase
	for round := range o.rounds {
		stopProfile, err := startProfile(o.cpuprofileB, round)
		if err != nil {
			return err
		}
		b, err := runPhase(ctx, o, "baseline", func(e *env) (func(), error) { return startBaseline(ctx, e, sc) })
		stopProfile()
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		stopProfile, err = startProfile(o.cpuprofile, round)
		if err != nil {
			return err
		}
		s, err := runPhase(ctx, o, "selfcheck", func(e *env) (func(), error) { return startOurs(ctx, e, ct) })
		stopProfile()
		if err != nil {
			return fmt.Errorf("selfcheck: %w", err)
		}
		base, ours = base.add(b), ours.add(s)
	}
	printPhases(base, ours)

	if !o.skipMemory {
		mem, err := measureSessions(ctx, o, ct)
		if err != nil {
			return fmt.Errorf("session memory: %w", err)
		}
		printSessions(mem)
	}
	fmt.Printf("\ntotal time %.1fs\n", time.Since(start).Seconds())
	return nil
}

// startProfile starts a CPU profile into file during the first round.
func startProfile(file string, round int) (stop func(), err error) {
	if file == "" || round > 0 {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
