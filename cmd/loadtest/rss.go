package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"time"
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
	RSSReleased              int64 // after debug.FreeOSMemory: what the scavenger converges to
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

// rssChild puts the sessions through a core on the embedded store, as the
// bot would (/start and two answers each), and prints an rssResult.
func rssChild() int {
	n, _ := strconv.Atoi(os.Getenv(childEnv))
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	ct, _, err := loadContent()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	core := newEmbeddedCore(ct, []byte(randomHex(16)))
	runtime.GC()
	debug.FreeOSMemory()
	r := rssResult{Sessions: n, RSSBefore: procStatus("VmRSS")}
	if err := storeSessions(ctx, core, 1, n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.RSSAfter, r.HWM, r.Heap = procStatus("VmRSS"), procStatus("VmHWM"), int64(ms.HeapInuse)
	debug.FreeOSMemory()
	r.RSSReleased = procStatus("VmRSS")
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

func writeHeapProfile(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}
