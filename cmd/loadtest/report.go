package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

func (p *phase) perSecond() float64 { return float64(p.updates) / p.elapsed.Seconds() }

func (p *phase) percentile(q float64) time.Duration {
	if len(p.latency) == 0 {
		return 0
	}
	s := slices.Clone(p.latency)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func (p *phase) perUpdate(n int64) float64 { return float64(n) / float64(max(p.updates, 1)) }

// steadyRedis is commands and round trips per update without the
// one-off overhead (connection set-up, script loading).
func (p *phase) steadyRedis() (cmds, trips float64) {
	return p.perUpdate(p.redis.cmds - p.redis.setupCmds), p.perUpdate(p.redis.trips - p.redis.setupTrips)
}

func (p *phase) redisByName() string {
	names := slices.Sorted(maps.Keys(p.redis.byName))
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %.3f", n, p.perUpdate(p.redis.byName[n])))
	}
	return strings.Join(parts, ", ")
}

func (p *phase) callsPerAnswer() float64 { return float64(p.answerCalls) / float64(max(p.answers, 1)) }

func fmtRates(rs []float64) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%.0f", r))
	}
	return strings.Join(parts, " ")
}

// roundRatios divides each round's selfcheck rate by its baseline rate.
func roundRatios(base, ours []float64) []float64 {
	var r []float64
	for i := range min(len(base), len(ours)) {
		if base[i] > 0 {
			r = append(r, ours[i]/base[i])
		}
	}
	return r
}

func fmtRatios(rs []float64) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%.2f", r))
	}
	return strings.Join(parts, " ")
}

// median of rs.
func median(rs []float64) float64 {
	rs = slices.Sorted(slices.Values(rs))
	n := len(rs)
	if n%2 == 1 {
		return rs[n/2]
	}
	return (rs[n/2-1] + rs[n/2]) / 2
}

func us(d time.Duration, n int) float64 { return float64(d.Microseconds()) / float64(max(n, 1)) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func printPhases(base, ours *phase) {
	row := func(name, format string, b, o float64, ratio bool) {
		fmt.Printf("%-44s %12s %12s", name, fmt.Sprintf(format, b), fmt.Sprintf(format, o))
		if ratio && b != 0 {
			fmt.Printf(" %8.2fx", o/b)
		}
		fmt.Println()
	}
	fmt.Printf("%-44s %12s %12s %9s\n", "", "baseline", "selfcheck", "ratio")
	row("checks completed", "%.0f", float64(base.checks), float64(ours.checks), false)
	row("updates handled", "%.0f", float64(base.updates), float64(ours.updates), false)
	row("wall time (all rounds), s", "%.2f", base.elapsed.Seconds(), ours.elapsed.Seconds(), false)
	row("updates/s", "%.0f", base.perSecond(), ours.perSecond(), true)
	row("latency p50, ms", "%.2f", ms(base.percentile(.50)), ms(ours.percentile(.50)), true)
	row("latency p95, ms", "%.2f", ms(base.percentile(.95)), ms(ours.percentile(.95)), true)
	row("latency p99, ms", "%.2f", ms(base.percentile(.99)), ms(ours.percentile(.99)), true)
	row("CPU per update, µs (this process)", "%.0f", us(base.cpu, base.updates), us(ours.cpu, ours.updates), true)
	if base.redisCPU > 0 {
		row("CPU per update, µs (redis-server)", "%.0f", us(base.redisCPU, base.updates), us(ours.redisCPU, ours.updates), true)
	}
	row("Bot API calls per answered question", "%.2f", base.callsPerAnswer(), ours.callsPerAnswer(), false)
	row("  most for one answer", "%.0f", float64(base.maxAnswerCalls), float64(ours.maxAnswerCalls), false)
	row("Redis commands per update (client)", "%.2f", base.perUpdate(base.redis.cmds), ours.perUpdate(ours.redis.cmds), false)
	row("Redis round trips per update", "%.2f", base.perUpdate(base.redis.trips), ours.perUpdate(ours.redis.trips), false)
	bc, bt := base.steadyRedis()
	oc, ot := ours.steadyRedis()
	row("  commands, without one-off set-up", "%.2f", bc, oc, false)
	row("  round trips, without one-off set-up", "%.2f", bt, ot, false)
	if ours.redis.statsTrips > 0 { // the recorder flushes every 5s: only in long phases
		row("  statistics flushes (MULTI/EXEC batches)", "%.0f", float64(base.redis.statsTrips), float64(ours.redis.statsTrips), false)
		row("  commands in them, per update", "%.2f", base.perUpdate(base.redis.statsCmds), ours.perUpdate(ours.redis.statsCmds), false)
	}
	row("Redis commands per update (server)", "%.2f", base.perUpdate(base.serverCmds), ours.perUpdate(ours.serverCmds), false)
	row("Go allocated per update, KiB", "%.1f", base.perUpdate(int64(base.alloc.bytes))/1024, ours.perUpdate(int64(ours.alloc.bytes))/1024, true)
	row("  objects per update", "%.0f", base.perUpdate(int64(base.alloc.objects)), ours.perUpdate(int64(ours.alloc.objects)), true)
	row("  garbage collections", "%.0f", float64(base.alloc.cycles), float64(ours.alloc.cycles), true)
	row("peak Go HeapInuse, MiB", "%.1f", mib(base.mem.heapInuse), mib(ours.mem.heapInuse), true)
	row("peak Go Sys, MiB", "%.1f", mib(base.mem.sys), mib(ours.mem.sys), true)
	row("peak RSS (VmHWM), MiB", "%.1f", mib(uint64(base.mem.hwm)), mib(uint64(ours.mem.hwm)), true)
	fmt.Println("(latency: update queued at the fake -> the fake's answer to the bot's last call, the message with the next keyboard;")
	fmt.Println(" server commands count those run inside Lua scripts; CPU and memory are the whole process: fake, miniredis, bot;")
	fmt.Println(" Go Sys never shrinks, so a later phase inherits an earlier one's)")
	if !ours.mem.hwmReset {
		fmt.Println(" VmHWM could not be reset between phases: it is the peak since the process started")
	}
	for _, p := range []*phase{base, ours} {
		fmt.Printf("%s updates/s in each round: %s\n", p.name, fmtRates(p.rates))
		calls := fmt.Sprint(p.apiCalls)
		fmt.Printf("%s Bot API calls: %s; rejected by the fake: %d; webhook deliveries failed: %d\n", p.name, calls, p.rejections, p.hookFailed)
		fmt.Printf("%s Redis commands per update by name: %s\n", p.name, p.redisByName())
		for _, f := range p.failures {
			fmt.Printf("  %s: %s\n", p.name, f)
		}
	}
	if r := roundRatios(base.rates, ours.rates); len(r) > 1 {
		// Each round's two phases run back to back, so a slow spell of a
		// shared machine mostly hits both: the median of the rounds'
		// ratios says more than the pooled one when rounds vary.
		fmt.Printf("ratio in each round: %s; median %.2f\n", fmtRatios(r), median(r))
	}

	fmt.Println("\ntargets:")
	target("updates/s at least 95% of the baseline", ours.perSecond() >= 0.95*base.perSecond(),
		"%.1f%%", 100*ours.perSecond()/base.perSecond())
	target("p99 latency at most 1.2x the baseline's", ours.percentile(.99) <= base.percentile(.99)*12/10,
		"%.2fx", float64(ours.percentile(.99))/float64(base.percentile(.99)))
	target("at most 3 Bot API calls per answered question (mean)", ours.callsPerAnswer() <= 3,
		"%.2f (most for one: %d)", ours.callsPerAnswer(), ours.maxAnswerCalls)
	target("at most 3 Redis commands per update (steady)", oc <= 3,
		"%.2f (%.2f with connection set-up and script loading)", oc, ours.perUpdate(ours.redis.cmds))
	target("in at most 2 round trips (steady)", ot <= 2,
		"%.2f (%.2f with them)", ot, ours.perUpdate(ours.redis.trips))
}

func target(what string, met bool, format string, args ...any) {
	verdict := "MET   "
	if !met {
		verdict = "MISSED"
	}
	fmt.Printf("  %s %-52s %s\n", verdict, what, fmt.Sprintf(format, args...))
}

func printSessions(m *sessionMem) {
	fmt.Printf("\nsession storage (sessions stored mid-check: /start and %d answers each):\n", midCheckAnswers)
	if m.redisUsed > 0 {
		fmt.Printf("  Redis used_memory per session: %.0f bytes (INFO memory delta / %d sessions)\n", m.redisUsed, m.stored)
		fmt.Printf("  MEMORY USAGE of one session: %d bytes\n", m.usageSession)
		fmt.Printf("  MEMORY USAGE of a session at its verdict: %d bytes\n", m.usageFinished)
		target("under 1 KiB of Redis memory per session", m.redisUsed < 1024, "%.0f bytes", m.redisUsed)
	} else {
		fmt.Println("  (no REDIS_URL: Redis memory per session is measured on a real Redis only)")
	}
	fmt.Printf("  embedded store (miniredis) Go heap per session: %.0f bytes (%d sessions through the core)\n", m.embeddedHeap, m.heapStored)
	if m.rss == nil {
		fmt.Println("  (resident memory with many sessions: skipped)")
		return
	}
	r := m.rss
	how := "all through the core"
	if r.ThroughCore < r.Sessions {
		how = fmt.Sprintf("%d through the core, the others copies of them under their own keys", r.ThroughCore)
	}
	where, what := "embedded store (miniredis in the bot process)", "embedded store"
	if r.Redis {
		where, what = "bot process, sessions in Redis", "bot process, sessions in Redis"
	}
	fmt.Printf("  %s, %d sessions (%s, %.1fs):\n", where, r.Sessions, how, r.Fill.Seconds())
	fmt.Printf("    RSS %.1f MiB after a GC (%.1f MiB before storing them), peak %.1f MiB; Go heap %.1f MiB (%.1f before); %.0f bytes RSS per session\n",
		mib(uint64(r.RSSAfter)), mib(uint64(r.RSSBefore)), mib(uint64(r.HWM)), mib(uint64(r.Heap)), mib(uint64(r.HeapBefore)),
		float64(r.RSSAfter-r.RSSBefore)/float64(r.Sessions))
	fmt.Printf("    after freed memory is returned to the OS (debug.FreeOSMemory): RSS %.1f MiB\n", mib(uint64(r.RSSReleased)))
	if r.Redis {
		fmt.Printf("    Redis used_memory grew by %.1f MiB (%.0f bytes per session)\n", mib(uint64(max(r.RedisUsed, 0))), float64(r.RedisUsed)/float64(r.Sessions))
	}
	target(fmt.Sprintf("under 100 MiB RSS with %d stored sessions (%s)", r.Sessions, what), r.RSSAfter < 100<<20,
		"%.1f MiB", mib(uint64(r.RSSAfter)))
}
