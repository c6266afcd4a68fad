package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
)

// The child that measures resident memory with many sessions (see
// measureRSS) is this program again, told what to do by its environment.
const (
	childEnv        = "SELFCHECK_LOADTEST_RSS_CHILD"   // number of sessions
	childSampleEnv  = "SELFCHECK_LOADTEST_RSS_SAMPLE"  // sessions put through the core
	childRedisEnv   = "SELFCHECK_LOADTEST_RSS_REDIS"   // a real Redis; "" for the embedded store
	childProfileEnv = "SELFCHECK_LOADTEST_RSS_PROFILE" // file for a heap profile; "" for none
)

// rssResult is what the child reports.
type rssResult struct {
	Sessions                 int
	ThroughCore              int   // put through the core; the rest are copies of them
	Redis                    bool  // sessions kept in a real Redis, not in this process
	RSSBefore, RSSAfter, HWM int64 // bytes
	RSSReleased              int64 // after debug.FreeOSMemory: what the scavenger converges to
	Heap, HeapBefore         int64 // Go HeapInuse after a GC
	RedisUsed                int64 // used_memory growth of the real Redis
	Fill                     time.Duration
}

// measureRSS runs this program again as a child that stores
// o.rssSessions sessions, so that its resident memory is that of a bot
// process and not of this one, which has run the load phases. Without
// REDIS_URL the sessions are in the child's embedded miniredis; with it,
// they are in that Redis and the child is the bot process beside it.
func measureRSS(ctx context.Context, o options) (*rssResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+strconv.Itoa(o.rssSessions), childSampleEnv+"="+strconv.Itoa(o.rssSample),
		childRedisEnv+"="+o.redisURL, childProfileEnv+"="+o.memprofile)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("child: %w", err)
	}
	var r rssResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("child said %q: %w", out, err)
	}
	return &r, nil
}

// rssChild stores the sessions and prints an rssResult.
//
// Putting 100,000 chats through the core on miniredis takes minutes (it runs
// the save script in a fresh Lua interpreter each time), so by default only
// a sample (-rss-sample, 64) goes through the core, as the bot would put
// them: /start and two answers each. The other chats get copies of those
// sessions, field for field and with their TTLs, under their own keys (the
// keys the core derives for them, so the copies are real sessions of those
// chats): through miniredis's Go API, or pipelined to a real Redis. Every stored string is its own copy, as if it
// had arrived over the wire. -rss-sample 0 puts every chat through the core.
func rssChild() int {
	n, _ := strconv.Atoi(os.Getenv(childEnv))
	sample, _ := strconv.Atoi(os.Getenv(childSampleEnv))
	if sample <= 0 || sample > n {
		sample = n
	}
	redisURL := os.Getenv(childRedisEnv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // the parent's -timeout kills it sooner
	defer cancel()
	if err := rssMeasure(ctx, n, sample, redisURL); err != nil {
		fmt.Fprintln(os.Stderr, "rss child:", err)
		return 1
	}
	return 0
}

func rssMeasure(ctx context.Context, n, sample int, redisURL string) error {
	ct, _, err := loadContent()
	if err != nil {
		return err
	}
	secret := []byte(randomHex(16))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var rdb *redis.Client
	var mr *miniredis.Miniredis
	if redisURL == "" {
		mr = miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return err
		}
		defer mr.Close()
		rdb = redis.NewClient(&redis.Options{Addr: mr.Addr()})
		defer rdb.Close()
	} else {
		opts, err := redis.ParseURL(redisURL)
		if err != nil {
			return err
		}
		rdb = redis.NewClient(opts)
		defer rdb.Close()
		defer forgetChats(rdb, secret, n) // leave the Redis as it was (runs before Close)
	}
	store := session.NewStore(rdb, time.Hour).KeepRecent(session.DefaultRecent, session.DefaultRecentAge)
	if err := store.Preload(ctx); err != nil {
		return err
	}
	keyer := session.NewKeyer(secret)
	core := convo.NewCore(ct, store, keyer, log)

	r := rssResult{Sessions: n, ThroughCore: sample, Redis: mr == nil}
	var usedBefore int64
	if mr == nil {
		if usedBefore, err = infoField(ctx, rdb, "memory", "used_memory"); err != nil {
			return err
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	r.RSSBefore, r.HeapBefore = procStatus("VmRSS"), heapInuse()
	start := time.Now()
	if err := storeSessions(ctx, core, 1, sample); err != nil {
		return err
	}
	if mr != nil {
		err = copySessionsMiniredis(mr, secret, sample, n)
	} else {
		err = copySessionsRedis(ctx, rdb, secret, sample, n)
	}
	if err != nil {
		return err
	}
	r.Fill = time.Since(start)
	// A copy is a session of its chat: the core's store finds it.
	rec, err := store.Load(ctx, keyer.Chat(int64(n)), 0)
	if err != nil || !rec.Found {
		return fmt.Errorf("chat %d: its stored session is not found (err %v): the copies are not under the core's keys", n, err)
	}
	if mr == nil {
		used, err := infoField(ctx, rdb, "memory", "used_memory")
		if err != nil {
			return err
		}
		r.RedisUsed = used - usedBefore
	}
	runtime.GC()
	r.RSSAfter, r.HWM, r.Heap = procStatus("VmRSS"), procStatus("VmHWM"), heapInuse()
	debug.FreeOSMemory()
	r.RSSReleased = procStatus("VmRSS")
	if file := os.Getenv(childProfileEnv); file != "" {
		if err := writeHeapProfile(file); err != nil {
			return err
		}
	}
	runtime.KeepAlive(core)
	runtime.KeepAlive(mr)
	return json.NewEncoder(os.Stdout).Encode(r)
}

func heapInuse() int64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

// storedSession is one chat's key as the core left it.
type storedSession struct {
	v, d string
	ttl  time.Duration
}

// copySessionsMiniredis gives chats sample+1..n copies of the sessions of
// chats 1..sample, through miniredis's Go API.
func copySessionsMiniredis(mr *miniredis.Miniredis, secret []byte, sample, n int) error {
	src := make([]storedSession, 0, sample)
	for c := 1; c <= sample; c++ {
		s := sessionKey(secret, int64(c))
		src = append(src, storedSession{v: mr.HGet(s, "v"), d: mr.HGet(s, "d"), ttl: mr.TTL(s)})
	}
	if src[0].d == "" {
		return errors.New("no session under the expected key (key derivation changed?)")
	}
	for c := sample + 1; c <= n; c++ {
		st := src[(c-1)%sample]
		s := sessionKey(secret, int64(c))
		// miniredis keeps the strings it is given: clone the JSON so that
		// 100,000 sessions do not share one copy of it.
		mr.HSet(s, "v", st.v, "d", strings.Clone(st.d))
		mr.SetTTL(s, st.ttl)
	}
	return nil
}

// copySessionsRedis does the same on a real Redis, pipelined.
func copySessionsRedis(ctx context.Context, rdb *redis.Client, secret []byte, sample, n int) error {
	src := make([]storedSession, 0, sample)
	for c := 1; c <= sample; c++ {
		s := sessionKey(secret, int64(c))
		var h *redis.SliceCmd
		var ttl *redis.DurationCmd
		if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			h, ttl = p.HMGet(ctx, s, "v", "d"), p.PTTL(ctx, s)
			return nil
		}); err != nil {
			return err
		}
		vals := h.Val()
		v, _ := vals[0].(string)
		d, _ := vals[1].(string)
		if d == "" {
			return errors.New("no session under the expected key (key derivation changed?)")
		}
		src = append(src, storedSession{v: v, d: d, ttl: ttl.Val()})
	}
	const batch = 500
	for first := sample + 1; first <= n; first += batch {
		if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for c := first; c < first+batch && c <= n; c++ {
				st := src[(c-1)%sample]
				s := sessionKey(secret, int64(c))
				p.HSet(ctx, s, "v", st.v, "d", st.d)
				p.PExpire(ctx, s, st.ttl)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// forgetChats deletes the keys of chats 1..n from a real Redis.
func forgetChats(rdb *redis.Client, secret []byte, n int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const batch = 1000
	for first := 1; first <= n; first += batch {
		_, _ = rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for c := first; c < first+batch && c <= n; c++ {
				p.Del(ctx, sessionKey(secret, int64(c)))
			}
			return nil
		})
	}
}

func writeHeapProfile(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}
