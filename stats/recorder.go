// Package stats keeps anonymous campaign statistics in Redis: counts per
// campaign and per day (no finer time) of checks started and completed,
// questions reached, answers given and verdict bands. Nothing in them
// identifies a chat; small counts are hidden when reported.
package stats

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
)

// indexKey is a set of every statistics key, so reports need no SCAN (which
// a Redis Cluster does not offer across nodes). All statistics keys share
// the hash tag {st}, so a flush is one atomic transaction even in a Cluster.
const indexKey = "{st}:index"

// Direct is the campaign name of checks started without a campaign link.
const Direct = "direct"

// Other collects the checks of campaigns beyond MaxCampaignsPerDay: anyone
// can type /start with a made-up campaign, and each would otherwise add a
// key to Redis.
const Other = "other"

// MaxCampaignsPerDay is how many distinct campaigns one process counts in
// a day before it counts the rest under Other.
const MaxCampaignsPerDay = 200

// Key returns the hash holding one campaign's counts for one day.
func Key(campaign, day string) string { return "{st}:" + campaign + ":" + day }

// Field names in a day's hash.
const (
	FieldStarted   = "started"
	FieldCompleted = "completed"
	prefixAsked    = "asked:"  // + step
	prefixAnswer   = "answer:" // + step:choice
	prefixBand     = "band:"   // + band
	prefixEnd      = "end:"    // + end step
)

// Recorder counts outcomes in memory and adds them to Redis in one pipeline
// per flush, so statistics cost the conversation no Redis round trip.
type Recorder struct {
	rdb redis.UniversalClient
	log *slog.Logger

	mu      sync.Mutex
	pending map[string]map[string]int64 // key -> field -> count
	day     string                      // the day campaigns holds
	seen    map[string]bool             // campaigns counted that day
}

// NewRecorder returns a recorder writing to rdb.
func NewRecorder(rdb redis.UniversalClient, log *slog.Logger) *Recorder {
	return &Recorder{rdb: rdb, log: log, pending: map[string]map[string]int64{}}
}

// Observe counts one outcome (a convo.Observer).
func (r *Recorder) Observe(_ context.Context, o convo.Outcome) {
	if o.Day == "" || o.Unavailable || o.Forgotten {
		return
	}
	campaign := o.Campaign
	if campaign == "" {
		campaign = Direct
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.day != o.Day {
		r.day, r.seen = o.Day, map[string]bool{}
	}
	if !r.seen[campaign] {
		if len(r.seen) >= MaxCampaignsPerDay {
			campaign = Other
		}
		r.seen[campaign] = true
	}
	key := Key(campaign, o.Day)
	m := r.pending[key]
	if m == nil {
		m = map[string]int64{}
		r.pending[key] = m
	}
	if o.Started {
		m[FieldStarted]++
	}
	for _, step := range o.Asked {
		m[prefixAsked+step]++
	}
	for _, a := range o.Answers {
		m[prefixAnswer+a.Step+":"+a.Choice]++
	}
	if o.Band != "" {
		m[prefixBand+o.Band]++
	}
	if o.Ended != "" {
		m[prefixEnd+o.Ended]++
	}
	if o.Completed() {
		m[FieldCompleted]++
	}
}

// Flush adds the pending counts to Redis in one MULTI/EXEC transaction:
// all or nothing, so a failed flush kept for the next one never counts
// twice.
func (r *Recorder) Flush(ctx context.Context) error {
	r.mu.Lock()
	batch := r.pending
	r.pending = map[string]map[string]int64{}
	r.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for key, fields := range batch {
			p.SAdd(ctx, indexKey, key)
			for f, n := range fields {
				p.HIncrBy(ctx, key, f, n)
			}
		}
		return nil
	})
	if err != nil {
		r.mu.Lock()
		for key, fields := range batch {
			m := r.pending[key]
			if m == nil {
				m = map[string]int64{}
				r.pending[key] = m
			}
			for f, n := range fields {
				m[f] += n
			}
		}
		r.mu.Unlock()
	}
	return err
}

// Run flushes every interval until ctx ends, then flushes once more.
func (r *Recorder) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := r.Flush(fctx); err != nil {
				r.log.Warn("statistics not saved at exit", "err", err)
			}
			cancel()
			return
		case <-t.C:
			if err := r.Flush(ctx); err != nil {
				r.log.Warn("statistics flush failed; will retry", "err", err)
			}
		}
	}
}
