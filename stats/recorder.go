// Package stats keeps anonymous campaign statistics in Redis: counts per
// campaign and per day (no finer time) of checks started and completed,
// questions reached, answers given and verdict bands. Nothing in them
// identifies a chat; small counts are hidden when reported.
package stats

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
)

// indexKey is a set of every statistics key, so reports need no SCAN (which
// a Redis Cluster does not offer across nodes). All statistics keys share
// the hash tag {st}, so a flush is one atomic transaction even in a Cluster.
const indexKey = "{st}:index"

// Direct is the campaign name of checks started without a campaign link.
const Direct = "direct"

// Other collects the checks that came with a campaign name the organisers
// did not sign (anyone can type /start with a made-up name, a person's
// name and phone number, say), and those of campaigns beyond
// MaxCampaignsPerDay.
const Other = campaign.Other

// Retention is how long a day's counts are kept: a year and a month, to
// compare one year's campaign with the next. Each key expires Retention
// after its day.
const Retention = 400 * 24 * time.Hour

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
	rdb  redis.UniversalClient
	log  *slog.Logger
	keys *campaign.Keys // nil: every campaign name counts

	mu      sync.Mutex
	pending map[string]map[string]int64 // key -> field -> count
	seen    map[string]map[string]bool  // day -> campaigns counted that day
}

// RecorderOption configures a Recorder.
type RecorderOption func(*Recorder)

// SignedCampaigns counts only campaigns whose names are signed with keys
// (made by `selfcheck link` or `qr` with CAMPAIGN_KEY), and the bot's own
// group link; every other name counts under Other. The bot always uses
// it; without it (tests, tools) every name counts, except one that looks
// like a phone or ID number.
func SignedCampaigns(keys *campaign.Keys) RecorderOption {
	return func(r *Recorder) { r.keys = keys }
}

// NewRecorder returns a recorder writing to rdb.
func NewRecorder(rdb redis.UniversalClient, log *slog.Logger, opts ...RecorderOption) *Recorder {
	r := &Recorder{rdb: rdb, log: log, pending: map[string]map[string]int64{}, seen: map[string]map[string]bool{}}
	for _, o := range opts {
		o(r)
	}
	return r
}

// counted is the campaign an outcome counts under.
func (r *Recorder) counted(code string) string {
	switch {
	case code == "":
		return Direct
	case code == campaign.Group:
		return campaign.Group
	case r.keys == nil:
		if campaign.LooksPersonal(code) {
			return Other
		}
		return code
	}
	if name, ok := r.keys.Verify(code); ok {
		return name
	}
	return Other
}

// daysSeen is how many days' campaign lists are kept for the daily cap: a
// check counts under the day it started, so outcomes of yesterday's checks
// arrive today; beyond that, the oldest day is dropped.
const daysSeen = 3

// Observe counts one outcome (a convo.Observer).
func (r *Recorder) Observe(_ context.Context, o convo.Outcome) {
	if o.Day == "" || o.Unavailable || o.Forgotten {
		return
	}
	name := r.counted(o.Campaign)
	r.mu.Lock()
	defer r.mu.Unlock()
	// The cap holds per day, whatever order outcomes of different days
	// come in (before, alternating two days reset it each time).
	seen := r.seen[o.Day]
	if seen == nil {
		seen = map[string]bool{}
		r.seen[o.Day] = seen
		if len(r.seen) > daysSeen {
			delete(r.seen, slices.Min(slices.Collect(maps.Keys(r.seen))))
		}
	}
	if !seen[name] {
		if len(seen) >= MaxCampaignsPerDay {
			name = Other
		}
		seen[name] = true
	}
	key := Key(name, o.Day)
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
			if at, ok := expiry(key); ok {
				p.ExpireAt(ctx, key, at)
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

// expiry is when a statistics key is deleted: Retention after its day.
func expiry(key string) (time.Time, bool) {
	_, day, ok := parseKey(key)
	if !ok {
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return time.Time{}, false
	}
	return d.Add(Retention), true
}

// Expire gives every statistics key its expiry (keys written by versions
// before Retention had none; those older than it go at once) and drops the
// keys gone from the index.
func (r *Recorder) Expire(ctx context.Context) error {
	keys, err := r.rdb.SMembers(ctx, indexKey).Result()
	if err != nil {
		return err
	}
	cmds := map[string]*redis.BoolCmd{}
	_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, key := range keys {
			if at, ok := expiry(key); ok {
				cmds[key] = p.ExpireAt(ctx, key, at)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var gone []any
	for key, c := range cmds {
		if ok, _ := c.Result(); !ok || time.Until(mustExpiry(key)) <= 0 {
			gone = append(gone, key)
		}
	}
	if len(gone) > 0 {
		return r.rdb.SRem(ctx, indexKey, gone...).Err()
	}
	return nil
}

func mustExpiry(key string) time.Time {
	at, _ := expiry(key)
	return at
}

// Run gives old keys their expiry, then flushes every interval until ctx
// ends, then flushes once more; once a day it drops expired keys from the
// index.
func (r *Recorder) Run(ctx context.Context, every time.Duration) {
	if err := r.Expire(ctx); err != nil {
		r.log.Warn("statistics: could not set the expiry of older counts", "err", err)
	}
	expired := time.Now()
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
		case now := <-t.C:
			if err := r.Flush(ctx); err != nil {
				r.log.Warn("statistics flush failed; will retry", "err", err)
			}
			if now.Sub(expired) >= 24*time.Hour {
				expired = now
				if err := r.Expire(ctx); err != nil {
					r.log.Warn("statistics: could not drop expired counts from the index", "err", err)
				}
			}
		}
	}
}
