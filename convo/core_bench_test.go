package convo_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
)

// loadBenchContent is the shipped content when it validates, else the test
// flow in flows/testdata/mini (the shipped questions are written in
// parallel and may not validate yet). The name says which was used.
func loadBenchContent(b *testing.B) (*convo.Content, string) {
	b.Helper()
	if ct, ps := convo.LoadContent(convo.Embedded); len(ps) == 0 {
		return ct, "shipped"
	}
	ct, ps := convo.LoadContent(convo.Source{
		Flows: os.DirFS("../flows/testdata/mini"), FlowsDir: ".",
		Locales: os.DirFS("../flows/testdata/mini-locales"), LocalesDir: ".",
	})
	if len(ps) > 0 {
		b.Fatalf("neither the shipped nor the mini content validates: %v", ps)
	}
	return ct, "mini"
}

// BenchmarkHandle is one whole update through the core: load the session
// (one pipelined round trip), step, save (one script), render. Each
// iteration is the next action of a user who taps the first answer of every
// question; at the verdict a new user (chat) starts, so the mix is that of
// complete checks. It runs on miniredis, and on REDIS_URL when set.
func BenchmarkHandle(b *testing.B) {
	ct, name := loadBenchContent(b)
	b.Run(name+"/miniredis", func(b *testing.B) {
		m := miniredis.RunT(b)
		benchHandle(b, ct, redis.NewClient(&redis.Options{Addr: m.Addr()}))
	})
	b.Run(name+"/redis", func(b *testing.B) {
		url := os.Getenv("REDIS_URL")
		if url == "" {
			b.Skip("REDIS_URL not set: no real Redis to measure")
		}
		opts, err := redis.ParseURL(url)
		if err != nil {
			b.Fatal(err)
		}
		benchHandle(b, ct, redis.NewClient(opts))
	})
}

func benchHandle(b *testing.B, ct *convo.Content, rdb *redis.Client) {
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		b.Fatalf("redis does not answer: %v", err)
	}
	// A key of its own, so runs sharing a real Redis never meet.
	key := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	core := convo.NewCore(ct, session.NewStore(rdb, time.Hour), session.NewKeyer([]byte(key)),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	chat, update := int64(1), int64(0)
	checks, checkUpdates := 0, int64(0) // completed checks and their updates
	next := convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart}
	b.ReportAllocs()
	for b.Loop() {
		update++
		next.ChatID, next.UpdateID, next.LangHint = chat, update, "id"
		resp := core.Handle(ctx, next)
		data := benchFirstAnswer(resp)
		switch {
		case data != "":
			next = convo.Request{Kind: convo.KindButton, Data: data}
		case resp.Done:
			chat++
			checks, checkUpdates = checks+1, update
			next = convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart}
		default:
			b.Fatalf("no answer button and not done: %+v", resp)
		}
	}
	b.StopTimer()
	if checks > 0 {
		b.ReportMetric(float64(checkUpdates)/float64(checks), "updates/check")
	}
	for c := range chat + 1 {
		_ = core.Forget(ctx, c) // leave a real Redis as it was
	}
}

// benchFirstAnswer returns the data of the first answer button ("a:...") of the
// last reply, or "" at the end of a check.
func benchFirstAnswer(resp convo.Response) string {
	if len(resp.Replies) == 0 {
		return ""
	}
	for _, row := range resp.Replies[len(resp.Replies)-1].Buttons {
		for _, btn := range row {
			if strings.HasPrefix(btn.Data, "a:") {
				return btn.Data
			}
		}
	}
	return ""
}
