package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tokens mode: how many people at once one bot token serves with the next
// question within 1.5s at p95, and how many -tokens tokens serve (one fake
// Bot API each, Telegram's limits being per token; one core and store),
// people going to the least loaded bot as they arrive. Each level is an
// event run; for each number of tokens the levels go up until one misses.

// capacityP95 is the next-screen p95 a level must keep to count.
const capacityP95 = 1500 * time.Millisecond

func runTokens(ctx context.Context, o options) error {
	ct, contentName, err := loadContent()
	if err != nil {
		return err
	}
	var levels []int
	for _, f := range strings.Split(o.sweep, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-sweep %q: people per token, comma-separated", o.sweep)
		}
		levels = append(levels, n)
	}
	fmt.Printf("loadtest tokens: content %q, store %s; people per token %v, arriving over %s, thinking %s-%s, %s\n",
		contentName, storeName(o), levels, o.arrive, o.thinkMin, o.thinkMax, typingOf(o))
	capacity := map[int]int{}
	counts := []int{1}
	if o.tokens > 1 {
		counts = append(counts, o.tokens)
	}
	for _, k := range counts {
		for _, per := range levels {
			run, err := runEvent(ctx, o, ct, per*k, k)
			if err != nil {
				return err
			}
			r := run.res
			p95 := pct(r.screens, .95)
			ok := p95 <= capacityP95 && r.lost == 0 && r.stuck == 0
			fmt.Printf("  %d token(s), %4d people (per token %v): next screen p50 %s p95 %s p99 %s; first reply p95 %s; busy %d, lost %d, stuck %d; peak msg/s %v, 429s %d -> %s\n",
				k, per*k, run.assigned, secs(pct(r.screens, .5)), secs(p95), secs(pct(r.screens, .99)), secs(pct(r.first, .95)),
				r.busy, r.lost, r.stuck, run.peaks, run.tooMany, map[bool]string{true: "within", false: "over"}[ok])
			if !ok {
				break
			}
			capacity[k] = per * k
		}
	}
	fmt.Println("\ncapacity (people at once with next-screen p95 <= 1.5s, none lost or stuck; the highest level tried that held):")
	for _, k := range counts {
		fmt.Printf("  %d token(s): %d\n", k, capacity[k])
	}
	if len(counts) > 1 {
		ratio := 0.0
		if capacity[1] > 0 {
			ratio = float64(capacity[o.tokens]) / float64(capacity[1])
		}
		target(fmt.Sprintf("%d tokens at least 2.5x one token's capacity", o.tokens), ratio >= 2.5, "%.2fx", ratio)
	}
	return nil
}
