package main

import (
	"bufio"
	"context"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisCounter counts the commands and round trips a client makes. Two
// kinds are kept apart, being no cost of an update: a MULTI/EXEC pipeline
// is the statistics flush (one batch every few seconds), and set-up is
// what go-redis sends on each new connection (HELLO, CLIENT SETINFO) and
// EVAL, which the save script needs only when EVALSHA finds a cold Redis
// without it (once, times the updates racing to be first).
type redisCounter struct {
	mu sync.Mutex
	c  redisCounts
}

type redisCounts struct {
	cmds, trips           int64 // all but statistics
	setupCmds, setupTrips int64 // of which set-up
	statsCmds, statsTrips int64
	byName                map[string]int64
}

var setupCommands = map[string]bool{"hello": true, "client": true, "auth": true, "select": true, "eval": true}

func (h *redisCounter) snapshot() redisCounts {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.c
	c.byName = maps.Clone(h.c.byName)
	return c
}

// minus returns the counts since an earlier snapshot.
func (c redisCounts) minus(old redisCounts) redisCounts {
	d := redisCounts{c.cmds - old.cmds, c.trips - old.trips, c.setupCmds - old.setupCmds, c.setupTrips - old.setupTrips,
		c.statsCmds - old.statsCmds, c.statsTrips - old.statsTrips, map[string]int64{}}
	for k, v := range c.byName {
		if v -= old.byName[k]; v != 0 {
			d.byName[k] = v
		}
	}
	return d
}

func (c redisCounts) plus(o redisCounts) redisCounts {
	s := redisCounts{c.cmds + o.cmds, c.trips + o.trips, c.setupCmds + o.setupCmds, c.setupTrips + o.setupTrips,
		c.statsCmds + o.statsCmds, c.statsTrips + o.statsTrips, maps.Clone(c.byName)}
	for k, v := range o.byName {
		s.byName[k] += v
	}
	return s
}

// trip counts one round trip carrying cmds.
func (h *redisCounter) trip(cmds ...redis.Cmder) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(cmds) > 0 && cmds[0].Name() == "multi" {
		h.c.statsCmds += int64(len(cmds))
		h.c.statsTrips++
		return
	}
	if h.c.byName == nil {
		h.c.byName = map[string]int64{}
	}
	setup := 0
	for _, c := range cmds {
		h.c.byName[c.Name()]++
		if setupCommands[c.Name()] {
			setup++
		}
	}
	h.c.cmds += int64(len(cmds))
	h.c.trips++
	h.c.setupCmds += int64(setup)
	if setup == len(cmds) {
		h.c.setupTrips++
	}
}

func (h *redisCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *redisCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.trip(cmd)
		return next(ctx, cmd)
	}
}

func (h *redisCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 {
			h.trip(cmds...)
		}
		return next(ctx, cmds)
	}
}

// commandCalls sums a real Redis's INFO commandstats, leaving out INFO
// itself (which this very measurement calls).
func commandCalls(ctx context.Context, rdb *redis.Client) (int64, error) {
	info, err := rdb.Info(ctx, "commandstats").Result()
	if err != nil {
		return 0, err
	}
	var total int64
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":calls=")
		if !ok || name == "cmdstat_info" {
			continue
		}
		n, _, _ := strings.Cut(rest, ",")
		v, _ := strconv.ParseInt(n, 10, 64)
		total += v
	}
	return total, nil
}

// infoField reads one numeric field of INFO (e.g. used_memory).
func infoField(ctx context.Context, rdb *redis.Client, section, field string) (int64, error) {
	info, err := rdb.Info(ctx, section).Result()
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, nil
}

// redisCPU is the CPU time a real Redis server has used (INFO cpu).
func redisCPU(ctx context.Context, rdb *redis.Client) time.Duration {
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return 0
	}
	var total float64
	for line := range strings.Lines(info) {
		name, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		if name == "used_cpu_user" || name == "used_cpu_sys" {
			f, _ := strconv.ParseFloat(v, 64)
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}
