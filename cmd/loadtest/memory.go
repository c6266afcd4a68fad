package main

import (
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// goAlloc is what the Go runtime allocated and collected: allocation is
// most of what garbage collection costs.
type goAlloc struct{ bytes, objects, cycles uint64 }

var allocSamples = []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs:objects"}, {Name: "/gc/cycles/total:gc-cycles"}}

// readAlloc reads the runtime's counters (runtime/metrics: no stop of the
// world).
func readAlloc() goAlloc {
	s := slices.Clone(allocSamples)
	metrics.Read(s)
	return goAlloc{s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()}
}

func (a goAlloc) minus(b goAlloc) goAlloc {
	return goAlloc{a.bytes - b.bytes, a.objects - b.objects, a.cycles - b.cycles}
}

func (a goAlloc) plus(b goAlloc) goAlloc {
	return goAlloc{a.bytes + b.bytes, a.objects + b.objects, a.cycles + b.cycles}
}

// memPeak is the most memory seen while a phase ran.
type memPeak struct {
	heapInuse, sys uint64 // runtime.MemStats
	hwm            int64  // VmHWM, bytes: peak resident set
	hwmReset       bool   // whether VmHWM was reset at the start (else it is since process start)
}

// sampleMemory samples the Go heap every 50ms until stop is closed. Each
// ReadMemStats stops the world for well under a millisecond; 20 a second
// do not move the figures.
func sampleMemory(stop <-chan struct{}) <-chan memPeak {
	out := make(chan memPeak, 1)
	reset := resetPeakRSS()
	go func() {
		var p memPeak
		var ms runtime.MemStats
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			p.heapInuse, p.sys = max(p.heapInuse, ms.HeapInuse), max(p.sys, ms.Sys)
			select {
			case <-stop:
				p.hwm, p.hwmReset = procStatus("VmHWM"), reset
				out <- p
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// resetPeakRSS resets VmHWM (Linux: "5" to clear_refs), so that each phase
// reports its own peak, not the process's since start.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// procStatus reads a "kB" field of /proc/self/status in bytes (0 when not
// on Linux).
func procStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
