package convo_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/session"
	"github.com/selfcheck-id/selfcheck/stats"
)

// TestKeySpaceHoldsNothingPersonal plays a whole check on the shipped flow
// (typed answers, a typed name and phone number, a campaign) and then reads
// every key and value in Redis: no chat id, no typed text and no answer
// label may be there in clear. It runs on miniredis and, with REDIS_URL, on
// a real Redis (in a database of its own making: keys are scanned by a
// prefix unique to this run).
func TestKeySpaceHoldsNothingPersonal(t *testing.T) {
	m := miniredis.RunT(t)
	backends := map[string]*redis.Options{"miniredis": {Addr: m.Addr()}}
	if opts := maybeRealRedis(t); opts != nil {
		backends["redis"] = opts
	}
	for name, opts := range backends {
		t.Run(name, func(t *testing.T) {
			content := testcore.Content(t, convo.Embedded)
			rdb := redis.NewClient(opts)
			defer rdb.Close()
			ctx := context.Background()
			before := keySet(t, rdb)
			log := testcore.Quiet()
			core := convo.NewCore(content, session.NewStore(rdb, time.Hour), session.NewKeyer([]byte("secret")), log)
			rec := stats.NewRecorder(rdb, log)
			core.Observe(rec)

			chat := int64(5550123987) + time.Now().UnixNano()%1000
			core.Handle(ctx, convo.Request{ChatID: chat, UpdateID: 1, Kind: convo.KindCommand, Command: "start", Text: "sma1-demo", LangHint: "id"})
			// Junk first, then each answer typed as its label, as a user
			// who does not tap would.
			forbidden := []string{fmt.Sprint(chat), "Siti Rahma", "081234567890"}
			resp := core.Handle(ctx, convo.Request{ChatID: chat, UpdateID: 2, Kind: convo.KindText, Text: "Nama saya Siti Rahma 081234567890"})
			for i := 0; !resp.Done && i < 40; i++ {
				label := answerLabel(resp, i == 0) // the first door: my own offer
				if label == "" {
					t.Fatalf("no answer button: %+v", resp.Replies)
				}
				if len(label) >= 5 { // short ones ("Ya") could match by chance
					forbidden = append(forbidden, label)
				}
				resp = core.Handle(ctx, convo.Request{ChatID: chat, UpdateID: int64(i + 3), Kind: convo.KindText, Text: label})
			}
			if !resp.Done {
				t.Fatalf("the scripted check did not reach its verdict: %+v", resp.Replies)
			}
			t.Logf("%d answers typed; verdict: %.80q", len(forbidden), resp.Replies[0].Text())
			if err := rec.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			for key, dump := range keySet(t, rdb) {
				if _, old := before[key]; old {
					continue
				}
				for _, f := range forbidden {
					if strings.Contains(key, f) || strings.Contains(dump, f) {
						t.Errorf("key %q holds %q in clear: %q", key, f, dump)
					}
				}
			}
			t.Cleanup(func() { core.Forget(ctx, chat) })
		})
	}
}

// keySet reads every key with its whole value, whatever its type.
func keySet(t *testing.T, rdb *redis.Client) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	iter := rdb.Scan(ctx, 0, "*", 500).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		var v any
		var err error
		switch typ := rdb.Type(ctx, k).Val(); typ {
		case "string":
			v, err = rdb.Get(ctx, k).Result()
		case "hash":
			v, err = rdb.HGetAll(ctx, k).Result()
		case "zset":
			v, err = rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
		case "set":
			v, err = rdb.SMembers(ctx, k).Result()
		case "list":
			v, err = rdb.LRange(ctx, k, 0, -1).Result()
		default:
			v = typ
		}
		if err != nil && err != redis.Nil {
			t.Fatal(err)
		}
		out[k] = fmt.Sprint(v)
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// maybeRealRedis returns REDIS_URL's options, or nil without it.
func maybeRealRedis(t *testing.T) *redis.Options {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		return nil
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

// answerLabel is the label of the first or the last answer button on
// screen (the last is often "I don't know", which is kept as an answer too).
func answerLabel(resp convo.Response, first bool) string {
	label := ""
	for _, r := range resp.Replies {
		for _, row := range r.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, "a:") {
					if first {
						return b.Label
					}
					label = b.Label
				}
			}
		}
	}
	return label
}
