package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
)

// BenchmarkWebhookUpdate is one whole update through the webhook handler:
// decode the JSON, queue it for its chat, load the session, step, save,
// render, and make the Bot API calls (answerCallbackQuery, editMessageText,
// sendMessage for a tap). The Bot API is an in-memory stub, so the figure
// is the bot's own cost plus Redis; internal/testkit/tgfake over loopback is what
// cmd/loadtest uses. Each iteration is the next action of a user tapping
// the first answer of every question; at the verdict a new chat starts.
func BenchmarkWebhookUpdate(b *testing.B) {
	ct, name := benchContent(b)
	b.Run(name+"/miniredis", func(b *testing.B) {
		m := miniredis.RunT(b)
		benchWebhook(b, ct, redis.NewClient(&redis.Options{Addr: m.Addr()}))
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
		benchWebhook(b, ct, redis.NewClient(opts))
	})
}

// benchContent is the shipped content when it validates, else the test
// flow in flows/testdata/mini: the shipped questions are written in
// parallel and may not validate yet. The name says which was used.
func benchContent(b *testing.B) (*convo.Content, string) {
	b.Helper()
	if ct, ps := convo.LoadContent(convo.Embedded); len(ps) == 0 {
		return ct, "shipped"
	}
	ct, ps := convo.LoadContent(miniSource)
	if len(ps) > 0 {
		b.Fatalf("neither the shipped nor the mini content validates: %v", ps)
	}
	return ct, "mini"
}

// benchCore keeps the core's last response, so the benchmark can tap the
// next question's first answer as a user would.
type benchCore struct {
	*convo.Core
	last convo.Response
}

func (c *benchCore) Handle(ctx context.Context, req convo.Request) convo.Response {
	c.last = c.Core.Handle(ctx, req)
	return c.last
}

// benchDone signals the end of each update (the bot calls Update after
// its last Bot API call for it) and counts failed Bot API calls.
type benchDone struct {
	done   chan struct{}
	failed atomic.Int64
}

func (d *benchDone) Update(string, time.Duration) { d.done <- struct{}{} }
func (d *benchDone) APIError(string)              { d.failed.Add(1) }
func (d *benchDone) Shed(string)                  {}

// benchAPI answers Bot API calls in memory with the smallest valid results.
type benchAPI struct{}

func (benchAPI) RoundTrip(r *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, r.Body) // the library writes the form through a pipe
	r.Body.Close()
	body := `{"ok":true,"result":true}`
	if strings.HasSuffix(r.URL.Path, "/sendMessage") || strings.HasSuffix(r.URL.Path, "/editMessageText") {
		body = `{"ok":true,"result":{"message_id":7,"date":1700000000,"chat":{"id":1,"type":"private"},"text":"x"}}`
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

func benchWebhook(b *testing.B, ct *convo.Content, rdb *redis.Client) {
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		b.Fatalf("redis does not answer: %v", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	key := fmt.Sprintf("bench-%d", time.Now().UnixNano()) // runs sharing a Redis never meet
	core := &benchCore{Core: convo.NewCore(ct, session.NewStore(rdb, time.Hour), session.NewKeyer([]byte(key)), log)}
	done := &benchDone{done: make(chan struct{}, 1)}
	bot, err := New(ctx, core, "123456:BENCH", WithAPIURL("http://api.invalid"), WithUsername("bench_bot"),
		WithLogger(log), WithRecorder(done), WithHTTPClient(&http.Client{Transport: benchAPI{}}), WithRateLimits(0, 0, 0))
	if err != nil {
		b.Fatal(err)
	}
	h := bot.WebhookHandler("s")
	chat, update, data := int64(1000), 0, ""
	checks, checkUpdates := 0, 0 // completed checks and their updates
	b.ReportAllocs()
	for b.Loop() {
		update++
		body := benchStartUpdate(update, chat)
		if data != "" {
			body = benchTapUpdate(update, chat, data)
		}
		req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("webhook answered %d", rec.Code)
		}
		<-done.done
		data = benchFirstAnswer(core.last)
		if data == "" && !core.last.Done {
			b.Fatalf("no answer button and not done: %+v", core.last)
		}
		if data == "" {
			chat++
			checks, checkUpdates = checks+1, update
		}
	}
	b.StopTimer()
	if n := done.failed.Load(); n > 0 {
		b.Fatalf("%d Bot API calls failed", n)
	}
	if checks > 0 {
		b.ReportMetric(float64(checkUpdates)/float64(checks), "updates/check")
	}
	for c := int64(1000); c <= chat; c++ {
		_ = core.Forget(ctx, c) // leave a real Redis as it was
	}
}

func benchStartUpdate(id int, chat int64) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":1,"date":1700000000,"chat":{"id":%d,"type":"private"},`+
		`"from":{"id":%d,"is_bot":false,"first_name":"x","language_code":"id"},"text":"/start",`+
		`"entities":[{"type":"bot_command","offset":0,"length":6}]}}`, id, chat, chat)
}

func benchTapUpdate(id int, chat int64, data string) string {
	return fmt.Sprintf(`{"update_id":%d,"callback_query":{"id":"q%d","chat_instance":"1","data":%q,`+
		`"from":{"id":%d,"is_bot":false,"first_name":"x","language_code":"id"},`+
		`"message":{"message_id":5,"date":1700000000,"chat":{"id":%d,"type":"private"},"text":"question"}}}`,
		id, id, data, chat, chat)
}

// benchFirstAnswer is the first answer button ("a:...") of the last reply,
// or "" at the end of a check.
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
