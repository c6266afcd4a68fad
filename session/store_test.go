package session_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/session"
)

// backends runs a test against miniredis and, when REDIS_URL is set,
// against that real Redis too (CI sets it).
func backends(t *testing.T, test func(t *testing.T, rdb redis.UniversalClient, m *miniredis.Miniredis)) {
	t.Run("miniredis", func(t *testing.T) {
		m := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { rdb.Close() })
		test(t, rdb, m)
	})
	t.Run("redis", func(t *testing.T) {
		url := os.Getenv("REDIS_URL")
		if url == "" {
			t.Skip("REDIS_URL not set: no real Redis to test against")
		}
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opts)
		t.Cleanup(func() { rdb.Close() })
		if err := rdb.Ping(context.Background()).Err(); err != nil {
			t.Fatalf("REDIS_URL set but Redis does not answer: %v", err)
		}
		test(t, rdb, nil)
	})
}

// chat returns a chat identity unique to the test, so tests sharing a real
// Redis do not see each other.
// The keys are also unique to the run: a real Redis keeps the seen update
// ids of an earlier run for a day.
func chat(t *testing.T, id int64) session.Chat {
	return session.NewKeyer([]byte(t.Name() + runSalt)).Chat(id)
}

var runSalt = strconv.FormatInt(time.Now().UnixNano(), 36)

func TestSaveLoadRoundTrip(t *testing.T) {
	backends(t, func(t *testing.T, rdb redis.UniversalClient, _ *miniredis.Miniredis) {
		ctx := context.Background()
		st := session.NewStore(rdb, time.Hour)
		c := chat(t, 42)
		rec, err := st.Load(ctx, c, 0)
		if err != nil || rec.Found {
			t.Fatalf("new chat: %+v %v", rec, err)
		}
		want := session.Session{Lang: "en", Nonce: "abcd1234", Campaign: "fair",
			State: flows.State{Flow: "f", Version: 2, Step: "dest", Answers: []flows.Answer{{Step: "welcome", Choice: "self"}}}}
		if err := st.Save(ctx, c, rec, want, 7); err != nil {
			t.Fatal(err)
		}
		rec, err = st.Load(ctx, c, 0)
		if err != nil || !rec.Found {
			t.Fatalf("after save: %+v %v", rec, err)
		}
		want.Schema = session.Schema
		if rec.Session.State.Step != "dest" || rec.Session.Nonce != want.Nonce || len(rec.Session.State.Answers) != 1 || rec.Session.Campaign != "fair" {
			t.Errorf("loaded %+v, want %+v", rec.Session, want)
		}
		if err := st.Forget(ctx, c); err != nil {
			t.Fatal(err)
		}
		if rec, _ := st.Load(ctx, c, 7); rec.Found || rec.Seen {
			t.Errorf("after forget: %+v", rec)
		}
	})
}

func TestKeysHoldNoChatID(t *testing.T) {
	backends(t, func(t *testing.T, rdb redis.UniversalClient, m *miniredis.Miniredis) {
		if m == nil {
			t.Skip("key listing checked on miniredis only")
		}
		ctx := context.Background()
		st := session.NewStore(rdb, time.Hour)
		c := session.NewKeyer([]byte("secret")).Chat(123456789)
		rec, _ := st.Load(ctx, c, 0)
		if err := st.Save(ctx, c, rec, session.Session{Lang: "id"}, 99); err != nil {
			t.Fatal(err)
		}
		for _, k := range m.Keys() {
			if strings.Contains(k, "123456789") {
				t.Errorf("key %q holds the chat id", k)
			}
			v, _ := m.Get(k)
			if strings.Contains(v, "123456789") {
				t.Errorf("value of %q holds the chat id", k)
			}
		}
		if other := session.NewKeyer([]byte("other")).Chat(123456789); other.LogID() == c.LogID() {
			t.Error("the key does not depend on the secret")
		}
	})
}

func TestCompareAndSet(t *testing.T) {
	backends(t, func(t *testing.T, rdb redis.UniversalClient, _ *miniredis.Miniredis) {
		ctx := context.Background()
		st := session.NewStore(rdb, time.Hour)
		c := chat(t, 1)
		a, _ := st.Load(ctx, c, 0)
		b, _ := st.Load(ctx, c, 0)
		if err := st.Save(ctx, c, a, session.Session{Nonce: "a"}, 0); err != nil {
			t.Fatal(err)
		}
		if err := st.Save(ctx, c, b, session.Session{Nonce: "b"}, 0); !errors.Is(err, session.ErrConflict) {
			t.Fatalf("second writer from the same version: err = %v, want ErrConflict", err)
		}
		got, _ := st.Load(ctx, c, 0)
		if got.Session.Nonce != "a" {
			t.Errorf("nonce = %q: the losing write was applied", got.Session.Nonce)
		}
		if err := st.Save(ctx, c, got, session.Session{Nonce: "c"}, 0); err != nil {
			t.Errorf("write from the current version: %v", err)
		}
	})
}

func TestSeenUpdates(t *testing.T) {
	backends(t, func(t *testing.T, rdb redis.UniversalClient, _ *miniredis.Miniredis) {
		ctx := context.Background()
		st := session.NewStore(rdb, time.Hour)
		c := chat(t, 5)
		rec, _ := st.Load(ctx, c, 1001)
		if rec.Seen {
			t.Fatal("a new update is seen")
		}
		if err := st.Save(ctx, c, rec, session.Session{}, 1001); err != nil {
			t.Fatal(err)
		}
		if rec, _ := st.Load(ctx, c, 1001); !rec.Seen {
			t.Error("a re-delivered update is not seen")
		}
		if rec, _ := st.Load(ctx, c, 1002); rec.Seen {
			t.Error("the next update is seen")
		}
	})
}

func TestExpiry(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	st := session.NewStore(rdb, 72*time.Hour)
	c := chat(t, 9)
	rec, _ := st.Load(ctx, c, 0)
	_ = st.Save(ctx, c, rec, session.Session{Nonce: "x"}, 0)
	m.FastForward(71 * time.Hour)
	rec, _ = st.Load(ctx, c, 0)
	if !rec.Found {
		t.Fatal("expired before the TTL")
	}
	_ = st.Save(ctx, c, rec, rec.Session, 0) // activity renews the TTL
	m.FastForward(71 * time.Hour)
	if rec, _ = st.Load(ctx, c, 0); !rec.Found {
		t.Fatal("activity did not renew the TTL")
	}
	m.FastForward(73 * time.Hour)
	if rec, _ = st.Load(ctx, c, 0); rec.Found {
		t.Error("not expired after the TTL")
	}
}

func TestUnreadableRecordIsAbsent(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	st := session.NewStore(rdb, time.Hour)
	c := chat(t, 3)
	rec, _ := st.Load(ctx, c, 0)
	_ = st.Save(ctx, c, rec, session.Session{Nonce: "x"}, 0)
	for _, k := range m.Keys() {
		m.HSet(k, "d", `{"z":0,"n":"old schema"}`)
	}
	rec, err := st.Load(ctx, c, 0)
	if err != nil || rec.Found {
		t.Fatalf("old schema: %+v %v", rec, err)
	}
	if err := st.Save(ctx, c, rec, session.Session{Nonce: "y"}, 0); err != nil {
		t.Errorf("overwrite an unreadable record: %v", err)
	}
}

func TestRedisDown(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	st := session.NewStore(rdb, time.Hour)
	m.Close()
	ctx := context.Background()
	if _, err := st.Load(ctx, chat(t, 1), 0); !errors.Is(err, session.ErrUnavailable) {
		t.Errorf("load with Redis down: %v", err)
	}
	if err := st.Save(ctx, chat(t, 1), session.Record{}, session.Session{}, 0); !errors.Is(err, session.ErrUnavailable) {
		t.Errorf("save with Redis down: %v", err)
	}
}
