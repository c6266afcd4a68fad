package session_test

import (
	"context"
	"errors"
	"net"
	"os"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/session"
)

// counted counts the commands a client sends (pipelines count each).
type counted struct{ n atomic.Int64 }

func (c *counted) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *counted) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *counted) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// replicas are two stores on one Redis, each with its own client, as two
// processes of the bot: a keeps its recent records, b is anyone else.
func replicas(t *testing.T, rdb redis.UniversalClient) (a, b *session.Store, aCommands *counted) {
	t.Helper()
	opts := rdb.(*redis.Client).Options()
	own := redis.NewClient(opts)
	t.Cleanup(func() { own.Close() })
	aCommands = &counted{}
	own.AddHook(aCommands)
	a = session.NewStore(own, time.Hour).KeepRecent(100, time.Hour)
	return a, session.NewStore(rdb, time.Hour), aCommands
}

func sess(step string, answers ...string) session.Session {
	s := session.Session{Lang: "en", Nonce: "n0nce", State: flows.State{Flow: "f", Version: 1, Step: step}}
	for _, a := range answers {
		s.State.Answers = append(s.State.Answers, flows.Answer{Step: a, Choice: "yes"})
	}
	return s
}

// save loads the chat's record and saves s over it, as a step does.
func save(t *testing.T, st *session.Store, c session.Chat, s session.Session, update int64) {
	t.Helper()
	ctx := context.Background()
	for range 3 {
		rec, err := st.Load(ctx, c, update)
		if err != nil {
			t.Fatal(err)
		}
		err = st.Save(ctx, c, rec, s, update)
		if errors.Is(err, session.ErrConflict) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatal("three conflicts in a row with nobody else writing")
}

func TestRecentRecordNeedsNoRead(t *testing.T) {
	backends(t, func(t *testing.T, rdb redis.UniversalClient, _ *miniredis.Miniredis) {
		ctx := context.Background()
		a, _, commands := replicas(t, rdb)
		c := chat(t, 1)
		want := sess("q2", "q1")
		save(t, a, c, want, 10)
		before := commands.n.Load()
		rec, err := a.Load(ctx, c, 10)
		if err != nil {
			t.Fatal(err)
		}
		if n := commands.n.Load() - before; n != 0 {
			t.Errorf("loading the record this process saved last sent %d commands, want 0", n)
		}
		if !rec.Found || !rec.Seen || !reflect.DeepEqual(rec.Session, want) {
			t.Errorf("from memory: found %v, seen %v (update 10 was applied), session %+v, want %+v", rec.Found, rec.Seen, rec.Session, want)
		}
		if err := a.Save(ctx, c, rec, sess("q3", "q1", "q2"), 11); err != nil {
			t.Fatalf("a save on the record from memory, nobody else writing: %v", err)
		}
		if n := commands.n.Load() - before; n != 1 {
			t.Errorf("a whole update from memory sent %d commands, want 1 (the save)", n)
		}
	})
}

// TestRecentRecordOutOfDate: whatever changed the record elsewhere, the
// save on the copy in memory fails, and the next load reads what Redis
// holds.
func TestRecentRecordOutOfDate(t *testing.T) {
	elsewhere := map[string]func(ctx context.Context, b *session.Store, c session.Chat) error{
		"another replica saved": func(ctx context.Context, b *session.Store, c session.Chat) error {
			rec, err := b.Load(ctx, c, 0)
			if err != nil {
				return err
			}
			return b.Save(ctx, c, rec, sess("q9", "q1", "q2", "q3"), 20)
		},
		"forgotten": func(ctx context.Context, b *session.Store, c session.Chat) error {
			return b.Forget(ctx, c)
		},
		// A new record must not take the version the deleted one had:
		// the copy in memory would match it and overwrite the new check
		// with the forgotten answers.
		"forgotten and begun again": func(ctx context.Context, b *session.Store, c session.Chat) error {
			if err := b.Forget(ctx, c); err != nil {
				return err
			}
			rec, err := b.Load(ctx, c, 0)
			if err != nil {
				return err
			}
			return b.Save(ctx, c, rec, sess("q1"), 30)
		},
		"a reply was lost": func(ctx context.Context, b *session.Store, c session.Chat) error {
			return b.MarkUnsent(ctx, c)
		},
	}
	for name, change := range elsewhere {
		t.Run(name, func(t *testing.T) {
			backends(t, func(t *testing.T, rdb redis.UniversalClient, _ *miniredis.Miniredis) {
				ctx := context.Background()
				a, b, _ := replicas(t, rdb)
				c := chat(t, 2)
				save(t, a, c, sess("q2", "q1"), 10)
				if err := change(ctx, b, c); err != nil {
					t.Fatal(err)
				}
				fromB, err := b.Load(ctx, c, 0)
				if err != nil {
					t.Fatal(err)
				}
				stale, err := a.Load(ctx, c, 0)
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Save(ctx, c, stale, sess("q3", "q1", "q2"), 11); !errors.Is(err, session.ErrConflict) {
					t.Fatalf("save on a record changed elsewhere: %v, want ErrConflict", err)
				}
				fresh, err := a.Load(ctx, c, 0)
				if err != nil {
					t.Fatal(err)
				}
				if fresh.Found != fromB.Found || fresh.Unsent != fromB.Unsent || !reflect.DeepEqual(fresh.Session, fromB.Session) {
					t.Errorf("after the conflict a loaded found %v unsent %v %+v; Redis holds found %v unsent %v %+v",
						fresh.Found, fresh.Unsent, fresh.Session, fromB.Found, fromB.Unsent, fromB.Session)
				}
			})
		})
	}
}

// TestRecentRecordAfterAFailedSave: a save whose outcome is unknown (Redis
// went away mid-call) leaves nothing in memory to build on.
func TestRecentRecordAfterAFailedSave(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	commands := &counted{}
	rdb.AddHook(commands)
	st := session.NewStore(rdb, time.Hour).KeepRecent(100, time.Hour)
	ctx := context.Background()
	c := chat(t, 3)
	save(t, st, c, sess("q2", "q1"), 10)
	rec, err := st.Load(ctx, c, 0)
	if err != nil {
		t.Fatal(err)
	}
	m.SetError("LOADING Redis is loading the dataset in memory")
	if err := st.Save(ctx, c, rec, sess("q3", "q1", "q2"), 11); !errors.Is(err, session.ErrUnavailable) {
		t.Fatalf("save while Redis refuses: %v", err)
	}
	m.SetError("")
	before := commands.n.Load()
	if _, err := st.Load(ctx, c, 0); err != nil {
		t.Fatal(err)
	}
	if commands.n.Load() == before {
		t.Error("after a failed save the next load came from memory, not from Redis")
	}
}

// timesOut makes every save fail as a timeout after Redis ran it.
type timesOut struct{}

func (timesOut) DialHook(next redis.DialHook) redis.DialHook { return next }
func (timesOut) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (timesOut) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if err := next(ctx, cmd); err != nil || (cmd.Name() != "evalsha" && cmd.Name() != "eval") {
			return err
		}
		return &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	}
}

// TestSaveTellsAnUnknownOutcome: a save Redis never got (no connection, an
// error reply) is known not to have landed, when the client does not
// retry; one that timed out after Redis took it is not, and says so.
func TestSaveTellsAnUnknownOutcome(t *testing.T) {
	ctx := context.Background()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	st := session.NewStore(rdb, time.Hour)
	c := chat(t, 4)
	rec, err := st.Load(ctx, c, 0)
	if err != nil {
		t.Fatal(err)
	}
	m.SetError("OOM command not allowed when used memory > 'maxmemory'")
	err = st.Save(ctx, c, rec, sess("q1"), 1)
	if !errors.Is(err, session.ErrUnavailable) || errors.Is(err, session.ErrOutcomeUnknown) {
		t.Errorf("refused by Redis: %v, want unavailable, outcome known", err)
	}
	m.SetError("")
	m.Close()
	err = st.Save(ctx, c, rec, sess("q1"), 1)
	if !errors.Is(err, session.ErrUnavailable) || errors.Is(err, session.ErrOutcomeUnknown) {
		t.Errorf("Redis not listening: %v, want unavailable, outcome known", err)
	}
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
	// A client that sends a command again after a failure: its first
	// attempt may have landed whatever the last one met.
	retrying := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: 1})
	t.Cleanup(func() { retrying.Close() })
	m.SetError("LOADING Redis is loading the dataset in memory")
	err = session.NewStore(retrying, time.Hour).Save(ctx, c, rec, sess("q1"), 1)
	if !errors.Is(err, session.ErrUnavailable) || !errors.Is(err, session.ErrOutcomeUnknown) {
		t.Errorf("refused after a retry: %v, want unavailable, outcome unknown", err)
	}
	m.SetError("")
	rdb.AddHook(timesOut{})
	err = st.Save(ctx, c, rec, sess("q1"), 1)
	if !errors.Is(err, session.ErrUnavailable) || !errors.Is(err, session.ErrOutcomeUnknown) {
		t.Errorf("timed out after Redis ran it: %v, want unavailable, outcome unknown", err)
	}
}

// TestRecentRecordIsWhatRedisHolds: a record from memory is the one a
// load from Redis gives, field for field, and changing it changes
// nothing kept.
func TestRecentRecordIsWhatRedisHolds(t *testing.T) {
	backends(t, func(t *testing.T, rdb redis.UniversalClient, _ *miniredis.Miniredis) {
		ctx := context.Background()
		a, b, _ := replicas(t, rdb)
		paused := sess("q4", "q1", "q2", "q3").State
		paused.Suggested = map[string]string{"q5": "yes"}
		full := sess("e2", "e1")
		full.Campaign, full.Day, full.State.Perspective, full.Paused = "fair_x", "2026-12-07", "other", &paused
		full.State.Suggested = map[string]string{"q9": "no", "q8": "yes"}
		for i, s := range []session.Session{sess("q1"), sess("q3", "q1", "q2"), full} {
			c := chat(t, int64(100+i))
			save(t, a, c, s, int64(10+i))
			mem, err := a.Load(ctx, c, 0)
			if err != nil {
				t.Fatal(err)
			}
			fromRedis, err := b.Load(ctx, c, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(mem.Session, fromRedis.Session) || mem.Found != fromRedis.Found {
				t.Errorf("session %d from memory %+v, from Redis %+v", i, mem.Session, fromRedis.Session)
			}
			if len(mem.Session.State.Answers) > 0 {
				mem.Session.State.Answers[0].Choice = "changed"
			}
			if mem.Session.Paused != nil {
				mem.Session.Paused.Suggested["q5"] = "changed"
			}
			again, _ := a.Load(ctx, c, 0)
			if !reflect.DeepEqual(again.Session, fromRedis.Session) {
				t.Errorf("session %d: changing a loaded record changed the one in memory: %+v", i, again.Session)
			}
		}
	})
}
