package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
)

// midCheckAnswers is how far each stored session has got: a session
// mid-check holds the answers so far and the update ids seen.
const midCheckAnswers = 2

type sessionMem struct {
	stored        int
	redisUsed     float64 // used_memory per session on a real Redis
	usageSession  int64   // MEMORY USAGE of one chat's key
	usageFinished int64   // the same at the verdict
	embeddedHeap  float64 // Go heap per session in the embedded store (miniredis)
	heapStored    int     // sessions stored for embeddedHeap
	rss           *rssResult
}

func measureSessions(ctx context.Context, o options, ct *convo.Content) (*sessionMem, error) {
	m := &sessionMem{stored: o.sessions, heapStored: o.heapSession}
	var err error
	if m.embeddedHeap, err = embeddedHeapPerSession(ctx, ct, o.heapSession); err != nil {
		return nil, err
	}
	if o.redisURL != "" {
		if err := redisPerSession(ctx, o, ct, m); err != nil {
			return nil, err
		}
	}
	if o.rssSessions > 0 {
		if m.rss, err = measureRSS(ctx, o); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func newCore(ct *convo.Content, rdb redis.UniversalClient, secret []byte) *convo.Core {
	return convo.NewCore(ct, session.NewStore(rdb, time.Hour), session.NewKeyer(secret), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// newEmbeddedCore is a core on the embedded store, as `selfcheck run`
// builds it without REDIS_URL (session.Connect): a miniredis in this
// process, a go-redis client on it, session.NewStore with the save script
// preloaded. done closes the client and the server.
func newEmbeddedCore(ctx context.Context, ct *convo.Content, secret []byte) (core *convo.Core, mr *miniredis.Miniredis, done func(), err error) {
	mr = miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		return nil, nil, nil, err
	}
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	done = func() { _ = rdb.Close(); mr.Close() }
	store := session.NewStore(rdb, time.Hour)
	if err := store.Preload(ctx); err != nil {
		done()
		return nil, nil, nil, err
	}
	return convo.NewCore(ct, store, session.NewKeyer(secret), slog.New(slog.NewTextHandler(io.Discard, nil))), mr, done, nil
}

// storeSessions puts chats first..first+n-1 mid-check through the core, as
// the bot would: /start, then the first answer midCheckAnswers times.
func storeSessions(ctx context.Context, core *convo.Core, first int64, n int) error {
	var next atomic.Int64
	var update atomic.Int64
	var errOnce sync.Once
	var firstErr error
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n) && ctx.Err() == nil; i = next.Add(1) - 1 {
				req := convo.Request{ChatID: first + i, LangHint: "id", Kind: convo.KindCommand, Command: convo.CmdStart}
				for a := 0; a <= midCheckAnswers; a++ {
					req.UpdateID = update.Add(1)
					resp := core.Handle(ctx, req)
					if len(resp.Replies) == 0 {
						errOnce.Do(func() { firstErr = errors.New("the core did not answer (storage down?)") })
						return
					}
					req = convo.Request{ChatID: first + i, Kind: convo.KindButton, Data: firstAnswerOf(resp)}
				}
			}
		})
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

func firstAnswerOf(resp convo.Response) string {
	if len(resp.Replies) == 0 {
		return ""
	}
	last := resp.Replies[len(resp.Replies)-1]
	for _, row := range last.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "a:") {
				return b.Data
			}
		}
	}
	return ""
}

// embeddedHeapPerSession is what a session costs the embedded store (a
// miniredis in this process): the growth of the live Go heap of this
// process per session stored through the core.
func embeddedHeapPerSession(ctx context.Context, ct *convo.Content, n int) (float64, error) {
	core, _, done, err := newEmbeddedCore(ctx, ct, []byte(randomHex(16)))
	if err != nil {
		return 0, err
	}
	defer done()
	// Warm up first, so that the connections of both sides (and their
	// buffers) and the script cache are not counted as per-session costs.
	if err := storeSessions(ctx, core, 1_000_000_000, 64); err != nil {
		return 0, err
	}
	before := liveHeap()
	if err := storeSessions(ctx, core, 1, n); err != nil {
		return 0, err
	}
	after := liveHeap()
	runtime.KeepAlive(core)
	return float64(after-before) / float64(n), nil
}

func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// redisPerSession measures a real Redis: used_memory before and after
// storing the sessions, and MEMORY USAGE of one chat's keys. Other clients
// writing to the same Redis at the time would blur the first figure.
func redisPerSession(ctx context.Context, o options, ct *convo.Content, m *sessionMem) error {
	opts, err := redis.ParseURL(o.redisURL)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	secret := []byte(randomHex(16))
	core := newCore(ct, rdb, secret)
	const first = 9_000_000_000
	before, err := infoField(ctx, rdb, "memory", "used_memory")
	if err != nil {
		return err
	}
	defer func() { // leave the Redis as it was
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for i := range o.sessions {
			_ = core.Forget(cctx, first+int64(i))
		}
	}()
	if err := storeSessions(ctx, core, first, o.sessions); err != nil {
		return err
	}
	after, err := infoField(ctx, rdb, "memory", "used_memory")
	if err != nil {
		return err
	}
	m.redisUsed = float64(after-before) / float64(o.sessions)
	m.usageSession, _ = rdb.MemoryUsage(ctx, sessionKey(secret, first), 0).Result()
	// A session grows with its answers: the largest is at the verdict.
	done := int64(first + o.sessions)
	defer core.Forget(context.WithoutCancel(ctx), done)
	req := convo.Request{ChatID: done, LangHint: "id", Kind: convo.KindCommand, Command: convo.CmdStart}
	for i := range maxAnswers {
		req.UpdateID = int64(1_000_000 + i) // every update, as Telegram's: the record keeps the last ids
		resp := core.Handle(ctx, req)
		data := firstAnswerOf(resp)
		if data == "" {
			break
		}
		req = convo.Request{ChatID: done, Kind: convo.KindButton, Data: data}
	}
	m.usageFinished, _ = rdb.MemoryUsage(ctx, sessionKey(secret, done), 0).Result()
	return nil
}

// sessionKey is the Redis key of a chat's session. It repeats
// session.Keyer's derivation (unexported there); if that changes, MEMORY
// USAGE reports 0 here and nothing else is affected.
func sessionKey(secret []byte, chat int64) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.FormatInt(chat, 10)))
	h := hex.EncodeToString(mac.Sum(nil)[:16])
	return "sc:{" + h + "}:s"
}
