// Package fleet holds the bots of one deployment (several tokens, in one
// process or in several replicas sharing Redis) and sends each new person
// to the least busy one. One bot can send about 30 messages a second; an
// event bigger than that needs more bots, and a campaign link that spreads
// people over them: /go/PAYLOAD redirects to the chosen bot's deep link. A
// chat then stays with its bot: Telegram chats belong to one bot.
package fleet

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/campaign"
)

// Member is a bot that can take new people.
type Member interface {
	Username() string
	// Load is how long a new person's first reply would wait now.
	Load() time.Duration
}

// Key is the Redis hash where each process publishes the load of its
// bots (field: username; value: "LOAD_MS:UNIX_MS"). It holds no personal
// data.
const Key = "sc:fleet"

// Timing of the published loads.
const (
	// PublishEvery is how often a process publishes its bots' loads.
	PublishEvery = 2 * time.Second
	// fresh is how old a published load may be and still count: a
	// replica that stopped publishing (stopped, crashed) gets nobody.
	fresh = 5 * PublishEvery
	// spread is how close to the least load a bot must be to share the
	// new arrivals: a hall scanning one QR code in a minute arrives faster
	// than loads are published, and would all go to one bot otherwise.
	spread = time.Second
)

// Fleet picks among the local bots and, with Redis, those of the other
// replicas.
type Fleet struct {
	local []Member
	rdb   redis.UniversalClient // nil: the local bots only
	log   *slog.Logger
	now   func() time.Time
	turn  atomic.Uint64
}

// New returns the fleet of the local bots; with rdb (may be nil) it also
// sees the bots other replicas publish there.
func New(rdb redis.UniversalClient, log *slog.Logger, local ...Member) *Fleet {
	return &Fleet{local: local, rdb: rdb, log: log, now: time.Now}
}

// Publish writes the local bots' loads to Redis for the other replicas.
func (f *Fleet) Publish(ctx context.Context) error {
	if f.rdb == nil || len(f.local) == 0 {
		return nil
	}
	now := f.now().UnixMilli()
	vals := make([]any, 0, 2*len(f.local))
	for _, m := range f.local {
		vals = append(vals, m.Username(), strconv.FormatInt(m.Load().Milliseconds(), 10)+":"+strconv.FormatInt(now, 10))
	}
	_, err := f.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, Key, vals...)
		p.PExpire(ctx, Key, 10*fresh) // gone with the last replica
		return nil
	})
	return err
}

// Run publishes every PublishEvery until ctx ends.
func (f *Fleet) Run(ctx context.Context) {
	if f.rdb == nil {
		return
	}
	t := time.NewTicker(PublishEvery)
	defer t.Stop()
	for {
		if err := f.Publish(ctx); err != nil && ctx.Err() == nil {
			f.log.Warn("publishing the bots' load failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// loads are the known bots' loads: the local ones as they are now, the
// others as last published (when fresh).
func (f *Fleet) loads(ctx context.Context) map[string]time.Duration {
	out := map[string]time.Duration{}
	if f.rdb != nil {
		all, err := f.rdb.HGetAll(ctx, Key).Result()
		if err != nil {
			f.log.Warn("reading the other bots' load failed; choosing among this process's", "err", err)
		}
		now := f.now().UnixMilli()
		for name, v := range all {
			load, at, ok := strings.Cut(v, ":")
			l, err1 := strconv.ParseInt(load, 10, 64)
			t, err2 := strconv.ParseInt(at, 10, 64)
			if !ok || err1 != nil || err2 != nil || now-t > fresh.Milliseconds() {
				continue
			}
			out[name] = time.Duration(l) * time.Millisecond
		}
	}
	for _, m := range f.local {
		out[m.Username()] = m.Load()
	}
	return out
}

// Pick returns the username of the bot a new person should go to, "" when
// there is none. Bots within spread of the least load take turns.
func (f *Fleet) Pick(ctx context.Context) string {
	loads := f.loads(ctx)
	if len(loads) == 0 {
		return ""
	}
	least := time.Duration(-1)
	for _, l := range loads {
		if least < 0 || l < least {
			least = l
		}
	}
	var near []string
	for name, l := range loads {
		if l <= least+spread {
			near = append(near, name)
		}
	}
	slices.Sort(near)
	return near[(f.turn.Add(1)-1)%uint64(len(near))]
}

// Handler serves GET /go/ and /go/PAYLOAD: a redirect to the deep link of
// the least busy bot, with PAYLOAD (a signed campaign code, as `selfcheck
// link` makes) as its start parameter. Nothing about the visitor is kept
// or logged.
func (f *Fleet) Handler() http.Handler {
	mux := http.NewServeMux()
	serve := func(w http.ResponseWriter, r *http.Request) {
		p := r.PathValue("payload")
		if p != "" && !campaign.ValidPayload(p) {
			http.Error(w, "not a campaign link", http.StatusNotFound)
			return
		}
		name := f.Pick(r.Context())
		if name == "" {
			http.Error(w, "no bot is available; try again in a minute", http.StatusServiceUnavailable)
			return
		}
		link := campaign.Link(name, p)
		// Every visit is sent afresh: the least busy bot changes.
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, link, http.StatusFound)
	}
	mux.HandleFunc("GET /go/{payload}", serve)
	mux.HandleFunc("GET /go/{$}", serve)
	return mux
}
