package session_test

import (
	"context"
	"errors"
	"os"
	"reflect"
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
// The keys are also unique to the run: a real Redis keeps an earlier run's
// sessions until they expire.
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

// TestSeenWindow: a record remembers the last eight updates applied; a
// re-delivery of any of them, or of anything older than all of them, is
// seen; a newer update is not, whatever order the others came in.
func TestSeenWindow(t *testing.T) {
	backends(t, func(t *testing.T, rdb redis.UniversalClient, _ *miniredis.Miniredis) {
		ctx := context.Background()
		st := session.NewStore(rdb, time.Hour)
		c := chat(t, 6)
		for _, id := range []int64{105, 101, 103, 102, 104, 106, 107, 109, 108, 110} {
			rec, err := st.Load(ctx, c, id)
			if err != nil || rec.Seen {
				t.Fatalf("update %d: seen=%v err=%v", id, rec.Seen, err)
			}
			if err := st.Save(ctx, c, rec, session.Session{Nonce: "n"}, id); err != nil {
				t.Fatal(err)
			}
		}
		for id, want := range map[int64]bool{101: true, 102: true, 103: true, 110: true, 106: true, 111: false, 200: false} {
			if rec, _ := st.Load(ctx, c, id); rec.Seen != want {
				t.Errorf("update %d after 101..110: seen = %v, want %v", id, rec.Seen, want)
			}
		}
		if rec, _ := st.Load(ctx, c, 0); rec.Seen {
			t.Error("a request without an update id (the terminal) is seen")
		}
	})
}

// TestRedeliveryADayLater: Telegram retries a webhook update for up to a
// day; a repeat 23 hours later is still recognised (the session, and the
// ids it keeps, lives for DefaultTTL), whether or not newer updates came.
func TestRedeliveryADayLater(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	st := session.NewStore(rdb, session.DefaultTTL)
	for _, later := range []int{0, 3, 20} {
		c := chat(t, int64(100+later))
		ids := []int64{500}
		for i := range later {
			ids = append(ids, int64(501+i))
		}
		for _, id := range ids {
			rec, _ := st.Load(ctx, c, id)
			if err := st.Save(ctx, c, rec, session.Session{Nonce: "n"}, id); err != nil {
				t.Fatal(err)
			}
		}
		m.FastForward(23 * time.Hour)
		if rec, _ := st.Load(ctx, c, 500); !rec.Seen {
			t.Errorf("update 500 re-delivered 23 h later, after %d newer ones: not seen", later)
		}
	}
}

// TestSchema1Upgrade: a session saved by the first schema (answers as
// objects, seen ids in a key of their own) is read, answers and paused check
// included, and saved back in the current one; /forget removes both keys.
func TestSchema1Upgrade(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	st := session.NewStore(rdb, time.Hour)
	c := chat(t, 8)
	rec, _ := st.Load(ctx, c, 0)
	if err := st.Save(ctx, c, rec, session.Session{Nonce: "x"}, 0); err != nil {
		t.Fatal(err)
	}
	keys := m.Keys()
	if len(keys) != 1 {
		t.Fatalf("keys after one save: %q, want one", keys)
	}
	v1 := `{"z":1,"st":{"f":"offer-check","v":2,"s":"job","a":[{"s":"start","c":"self"},{"s":"dest","c":"kh"}]},` +
		`"l":"id","n":"ab12cd34","c":"fair","d":"2026-11-20","p":{"f":"offer-check","v":2,"s":"dest","a":[{"s":"start","c":"other"}],"p":"other"}}`
	m.HSet(keys[0], "d", v1)
	m.ZAdd(strings.TrimSuffix(keys[0], ":s")+":u", 1, "77")

	if rec, err := st.Load(ctx, c, 77); err != nil || !rec.Found || !rec.Seen {
		t.Fatalf("update 77, applied by schema 1, re-delivered: %+v %v", rec, err)
	}
	rec, err := st.Load(ctx, c, 78)
	if err != nil || !rec.Found || rec.Seen {
		t.Fatalf("schema 1 record: %+v %v", rec, err)
	}
	got := rec.Session
	want := session.Session{Lang: "id", Nonce: "ab12cd34", Campaign: "fair", Day: "2026-11-20",
		State:  flows.State{Flow: "offer-check", Version: 2, Step: "job", Answers: []flows.Answer{{Step: "start", Choice: "self"}, {Step: "dest", Choice: "kh"}}},
		Paused: &flows.State{Flow: "offer-check", Version: 2, Step: "dest", Answers: []flows.Answer{{Step: "start", Choice: "other"}}, Perspective: "other"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("schema 1 read as\n%+v\nwant\n%+v", got, want)
	}
	if err := st.Save(ctx, c, rec, got, 78); err != nil {
		t.Fatal(err)
	}
	d := m.HGet(keys[0], "d")
	if !strings.HasPrefix(d, "3|") || !strings.Contains(d, ";start:self,dest:kh;") {
		t.Errorf("saved back as %s", d)
	}
	if again, _ := st.Load(ctx, c, 0); !reflect.DeepEqual(again.Session, want) {
		t.Errorf("after the upgrade: %+v", again.Session)
	}
	if err := st.Forget(ctx, c); err != nil {
		t.Fatal(err)
	}
	if left := m.Keys(); len(left) != 0 {
		t.Errorf("after /forget: %q", left)
	}
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
	for _, bad := range []string{
		`{"z":0,"n":"unknown schema"}`,
		`{"z":3,"n":"a later schema"}`,
		`{"z":2,"st":{"f":"f","v":1,"s":"q","a":"start:self,nocolon"},"n":"x"}`,
		`{"z":2,"st":"not an object"}`,
		`not json`,
		`3|1796617639||id|n|||f;1;q;;;`, // a field missing
		`3|soon||id|n||||f;1;q;;;|`,
		`3|1796617639|7,x|id|n||||f;1;q;;;|`,
		`3|1796617639||id|n||||f;one;q;;;|`,
		`3|1796617639||id|n||||f;1;q;start:self,nocolon;;|`,
		`3|1796617639||id|n||||f;1;q;;;|f;1`,
		`3|1796617639||id|n%zz||||f;1;q;;;|`,
		`4|1796617639||id|n||||f;1;q;;;|`,
	} {
		for _, k := range m.Keys() {
			m.HSet(k, "d", bad)
		}
		rec, err := st.Load(ctx, c, 0)
		if err != nil || rec.Found {
			t.Fatalf("%s: %+v %v", bad, rec, err)
		}
		if err := st.Save(ctx, c, rec, session.Session{Nonce: "y"}, 0); err != nil {
			t.Errorf("overwrite an unreadable record %s: %v", bad, err)
		}
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

// TestReadyNeedsWrites: a Redis that answers PING and reads but refuses
// every write (at maxmemory; here a user allowed to read only, on the real
// Redis of REDIS_URL) makes the store unready.
func TestReadyNeedsWrites(t *testing.T) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("REDIS_URL not set: no real Redis to test against (convo's TestReadyNeedsWrites covers it)")
	}
	ctx := context.Background()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	admin := redis.NewClient(opts)
	defer admin.Close()
	if err := session.NewStore(admin, time.Hour).Ready(ctx); err != nil {
		t.Fatalf("ready with a Redis that takes writes: %v", err)
	}
	user, pass := "selfcheck-readonly-"+runSalt, "pw-"+runSalt
	if err := admin.Do(ctx, "ACL", "SETUSER", user, "on", ">"+pass, "~*", "resetchannels", "-@all", "+@read", "+@connection").Err(); err != nil {
		t.Skipf("cannot make a read-only user: %v", err)
	}
	defer admin.Do(ctx, "ACL", "DELUSER", user)
	ro := *opts
	ro.Username, ro.Password = user, pass
	rdb := redis.NewClient(&ro)
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("the read-only user cannot PING: %v", err)
	}
	st := session.NewStore(rdb, time.Hour)
	if err := st.Ready(ctx); err == nil {
		t.Error("ready while every write is refused")
	}
}

func TestMarkUnsent(t *testing.T) {
	backends(t, func(t *testing.T, rdb redis.UniversalClient, m *miniredis.Miniredis) {
		ctx := context.Background()
		st := session.NewStore(rdb, time.Hour)
		gone := chat(t, 1)
		if err := st.MarkUnsent(ctx, gone); err != nil {
			t.Fatal(err)
		}
		if m != nil && len(m.Keys()) != 0 {
			t.Fatalf("marking a chat with no session (deleted by /forget) created keys %v", m.Keys())
		}
		if rec, _ := st.Load(ctx, gone, 0); rec.Found || rec.Unsent {
			t.Fatalf("no session: found %v unsent %v", rec.Found, rec.Unsent)
		}
		c := chat(t, 2)
		rec, _ := st.Load(ctx, c, 1)
		if err := st.Save(ctx, c, rec, session.Session{Lang: "en", Nonce: "abc"}, 1); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkUnsent(ctx, c); err != nil {
			t.Fatal(err)
		}
		rec, err := st.Load(ctx, c, 2)
		if err != nil || !rec.Found || !rec.Unsent {
			t.Fatalf("after MarkUnsent: found %v unsent %v err %v", rec.Found, rec.Unsent, err)
		}
		if err := st.Save(ctx, c, rec, rec.Session, 2); err != nil {
			t.Fatal(err)
		}
		if rec, _ := st.Load(ctx, c, 3); rec.Unsent {
			t.Fatal("a save did not clear the unsent mark")
		}
	})
}
