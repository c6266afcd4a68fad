package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
)

// childEnv makes the program a child that measures resident memory with
// many sessions (see measureRSS); its value is the number of sessions.
const childEnv = "SELFCHECK_LOADTEST_RSS_CHILD"

// childProfileEnv names the file for the child's heap profile ("" for none).
const childProfileEnv = "SELFCHECK_LOADTEST_RSS_PROFILE"

// rssResult is what the child reports.
type rssResult struct {
	Sessions                 int
	RSSBefore, RSSAfter, HWM int64 // bytes
	Heap                     int64 // Go HeapInuse after a GC
}

// measureRSS runs this program again as a child that holds n sessions in
// the embedded store, so that its resident memory is that of a bot process
// and not of this one, which has run the load phases.
func measureRSS(ctx context.Context, n int, memprofile string) (*rssResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+strconv.Itoa(n), childProfileEnv+"="+memprofile)
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

// rssChild stores the sessions and prints an rssResult. Putting 100,000
// chats through the core would take minutes on miniredis (its Lua is slow),
// so 64 sessions go through the core and are then copied, field for field
// and with their TTLs, under new keys of the same shape through miniredis's
// Go API: Redis holds the same data either way.
func rssChild() int {
	n, _ := strconv.Atoi(os.Getenv(childEnv))
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	ct, _, err := loadContent()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer mr.Close()
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	core := newCore(ct, rdb, []byte(randomHex(16)))
	runtime.GC()
	debug.FreeOSMemory()
	r := rssResult{Sessions: n, RSSBefore: procStatus("VmRSS")}
	const sample = 64
	if err := storeSessions(ctx, core, 1, min(sample, n)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := replicate(mr, n-sample); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.RSSAfter, r.HWM, r.Heap = procStatus("VmRSS"), procStatus("VmHWM"), int64(ms.HeapInuse)
	if file := os.Getenv(childProfileEnv); file != "" {
		if err := writeHeapProfile(file); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	runtime.KeepAlive(core)
	_ = json.NewEncoder(os.Stdout).Encode(r)
	return 0
}

// replicate copies the sessions in mr to n more chats.
func replicate(mr *miniredis.Miniredis, n int) error {
	type stored struct {
		v, d         string
		ttl, seenTTL time.Duration
		seen         map[string]float64
	}
	var sample []stored
	for _, k := range mr.Keys() {
		base, ok := strings.CutSuffix(k, ":s")
		if !ok {
			continue
		}
		s := stored{v: mr.HGet(k, "v"), d: mr.HGet(k, "d"), ttl: mr.TTL(k), seenTTL: mr.TTL(base + ":u"), seen: map[string]float64{}}
		members, _ := mr.ZMembers(base + ":u")
		for _, m := range members {
			s.seen[m], _ = mr.ZScore(base+":u", m)
		}
		sample = append(sample, s)
	}
	if len(sample) == 0 {
		return errors.New("no session was stored (key format changed?)")
	}
	update := 1 << 30
	for i := range n {
		s := sample[i%len(sample)]
		h := fmt.Sprintf("%032x", i) // a chat's key hash: 32 hex digits
		mr.HSet("sc:{"+h+"}:s", "v", s.v, "d", s.d)
		mr.SetTTL("sc:{"+h+"}:s", s.ttl)
		for _, score := range s.seen {
			update++
			if _, err := mr.ZAdd("sc:{"+h+"}:u", score, strconv.Itoa(update)); err != nil {
				return err
			}
		}
		mr.SetTTL("sc:{"+h+"}:u", s.seenTTL)
	}
	return nil
}

func writeHeapProfile(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}
