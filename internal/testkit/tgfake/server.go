// Package tgfake is an in-process fake of the Telegram Bot API for tests and
// load runs.
//
// It exists because the real API is strict in ways a unit test never sees: it
// rejects HTML with an unescaped "<", callback_data over 64 bytes, a tel: URL
// button, an identical edit, a late callback answer. The fake rejects the same
// things with the same JSON error shape, and records every rejection so a test
// can assert that the bot under test caused none (see Rejections and
// AssertNoRejections).
//
// A test drives it from the user's side through Chat (SendText, Press) and
// points a github.com/go-telegram/bot client at URL().
//
// Where the real API is lenient about something its documentation forbids,
// the fake follows the documentation, so the test fails rather than a user
// seeing garbage: a bare '&' or an unknown named entity in HTML, an inline
// button with two actions, and a button URL without a scheme are rejected.
// Plain-http webhooks are accepted for loopback hosts only, so an
// httptest.Server can receive deliveries.
package tgfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultBotUsername is the username getMe reports unless WithBotUsername is used.
const DefaultBotUsername = "selfcheck_test_bot"

// Server is a running fake Bot API. All methods are safe for concurrent use.
type Server struct {
	ts *httptest.Server

	// Configuration, fixed after New.
	token       string
	botUsername string
	botID       int64
	enforceRate bool
	hookClient  *http.Client
	hookRetries int
	hookBackoff time.Duration
	hookFor     time.Duration // with WithWebhookRetryFor: retry this long, whatever the attempts
	hookMaxWait time.Duration // longest wait between two attempts
	observe     func(Call)
	observeHook func(Delivery)
	callbackTTL time.Duration
	ctx         context.Context // cancelled by Close; bounds webhook POSTs
	cancel      context.CancelFunc
	closing     chan struct{}
	workerDone  chan struct{}
	closeOnce   sync.Once

	mu sync.Mutex
	// changed is closed (and replaced) on every state change that a waiter may
	// care about: new update, new or edited bot message, answered query,
	// webhook change. Waiters select on it instead of sleeping.
	changed chan struct{}

	calls      map[string]int // lower-case method -> count
	rejections []Rejection
	failures   map[string][]injectedFailure // lower-case method -> queue
	odd        map[string]bool              // lower-case method -> answer in an odd shape, see OddResults
	blocked    map[int64]bool
	chats      map[int64]*chatState
	nextUserID int64
	nextGroup  int64
	queries    map[string]*callbackState
	nextQuery  int64
	commands   map[CommandsKey][]Command
	updates    updateQueue
	hook       webhookState
	rate       rateState
	stats      Stats
}

// Option configures a Server.
type Option func(*Server)

// WithToken makes the fake accept only this bot token; any other token gets
// 401 Unauthorized, as the real API answers a revoked or mistyped token. A
// numeric prefix before ':' becomes the bot's user id.
func WithToken(token string) Option {
	return func(s *Server) {
		s.token = token
		if i := strings.IndexByte(token, ':'); i > 0 {
			if id, err := strconv.ParseInt(token[:i], 10, 64); err == nil && id > 0 {
				s.botID = id
			}
		}
	}
}

// WithBotUsername sets the username getMe returns (without '@').
func WithBotUsername(name string) Option {
	return func(s *Server) { s.botUsername = strings.TrimPrefix(name, "@") }
}

// WithEnforcedRateLimits makes the fake answer 429 (and record a rejection)
// when the bot exceeds Telegram's documented send rates, instead of only
// counting the excess in Stats. Useful for testing a bot's own throttling.
func WithEnforcedRateLimits() Option {
	return func(s *Server) { s.enforceRate = true }
}

// WithWebhookClient sets the HTTP client used to POST updates to the webhook.
// A test can give it a Transport that rewrites the bot's public https URL to a
// local httptest server.
func WithWebhookClient(c *http.Client) Option {
	return func(s *Server) { s.hookClient = c }
}

// WithWebhookRetries bounds re-delivery of an update the webhook answered
// with a non-2xx status: at most attempts tries, waiting backoff, 2*backoff,
// ... between them. Telegram retries for longer; tests want it bounded.
func WithWebhookRetries(attempts int, backoff time.Duration) Option {
	return func(s *Server) {
		if attempts < 1 {
			attempts = 1
		}
		s.hookRetries, s.hookBackoff = attempts, backoff
	}
}

// WithWebhookRetryFor makes delivery retry a refused update as Telegram
// does, for a long time rather than a few attempts: waiting backoff,
// doubling up to maxWait, until the update has been refused for longer
// than d; then it is dropped (Stats.WebhookDropped). A load run uses it to
// see whether a bot that answers 503 under a flood loses anything.
func WithWebhookRetryFor(d, backoff, maxWait time.Duration) Option {
	return func(s *Server) {
		s.hookFor, s.hookBackoff, s.hookMaxWait = d, backoff, max(maxWait, backoff)
	}
}

// WithFirstUserID makes the users (and private chats) the fake creates
// count from id on, so that several fakes (one per bot token, sharing one
// conversation store) give their users distinct ids.
func WithFirstUserID(id int64) Option {
	return func(s *Server) { s.nextUserID = id - 1 }
}

// WithCallbackTimeout makes answerCallbackQuery fail with "query is too old"
// when it comes later than d after the press, as the real API does after a
// short while. Zero (the default) disables the check so slow CI never flakes.
func WithCallbackTimeout(d time.Duration) Option {
	return func(s *Server) { s.callbackTTL = d }
}

// New starts a fake Bot API server. Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		botUsername: DefaultBotUsername,
		botID:       7000000001,
		hookClient:  &http.Client{Timeout: 10 * time.Second},
		hookRetries: 5,
		hookBackoff: 50 * time.Millisecond,
		closing:     make(chan struct{}),
		workerDone:  make(chan struct{}),
		changed:     make(chan struct{}),
		calls:       map[string]int{},
		failures:    map[string][]injectedFailure{},
		blocked:     map[int64]bool{},
		chats:       map[int64]*chatState{},
		nextUserID:  100000000,
		nextGroup:   4000000000,
		queries:     map[string]*callbackState{},
		commands:    map[CommandsKey][]Command{},
		updates:     updateQueue{nextID: 100000001},
	}
	for _, o := range opts {
		o(s)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	go s.webhookWorker()
	return s
}

// URL is the base URL to give bot.WithServerURL.
func (s *Server) URL() string { return s.ts.URL }

// Close wakes long polls, stops webhook delivery and shuts the server down.
// httptest.Server.Close waits for running handlers, so pending getUpdates
// calls must be released first or Close would hang for their timeout.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.cancel()
		<-s.workerDone
		s.ts.Close()
	})
}

// Rejection is one call the fake refused the way the real API would.
type Rejection struct {
	Method      string
	Code        int
	Description string
	Params      map[string]string
	At          time.Time
}

func (r Rejection) String() string {
	keys := make([]string, 0, len(r.Params))
	for k := range r.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%s -> %d %q", r.Method, r.Code, r.Description)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, r.Params[k])
	}
	return b.String()
}

// Rejections returns every rejected call so far, oldest first.
func (s *Server) Rejections() []Rejection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rejection(nil), s.rejections...)
}

// TB is the part of testing.TB that AssertNoRejections needs; it keeps the
// testing package out of non-test builds that import tgfake (the load tool).
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// AssertNoRejections fails t with one line per rejection, if any.
func (s *Server) AssertNoRejections(t TB) {
	t.Helper()
	for _, r := range s.Rejections() {
		t.Errorf("telegram rejected: %s", r)
	}
}

// Calls counts calls of a method (case-insensitive, as Telegram matches
// method names), whatever their outcome.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(method)]
}

// Stats are counters for assertions and for the load tool's report.
type Stats struct {
	Calls              map[string]int // lower-case method name -> calls
	Rejections         int
	Injected           int // failures served from FailNext
	Forbidden          int // calls refused because the chat blocked the bot
	MessagesSent       int
	Edits              int
	UpdatesQueued      int
	UpdatesPending     int
	WebhookDelivered   int
	WebhookFailed      int // non-2xx answers or transport errors
	WebhookDropped     int // updates given up after the retry bound
	ChatRateExceeded   int // > ~1 msg/s sustained in one chat (burst 5)
	GroupRateExceeded  int // > 20 msgs/min in one group
	GlobalRateExceeded int // > 30 msgs/s overall
}

// WaitConfirmed waits until the bot has confirmed every queued update (a
// getUpdates with a later offset), as Telegram sees it: an update not
// confirmed is delivered again to the next poller, after a restart too.
func (s *Server) WaitConfirmed(timeout time.Duration) bool {
	return s.waitUntil(timeout, func() bool { return len(s.updates.items) == 0 })
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Calls = make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		st.Calls[k] = v
	}
	st.Rejections = len(s.rejections)
	st.UpdatesPending = len(s.updates.items)
	return st
}

type injectedFailure struct {
	code        int
	retryAfter  int
	description string
}

// FailNext makes the next call of method fail with code; each FailNext call
// queues one failure. For 429 the answer carries parameters.retry_after. An
// empty description gets the real API's wording for that code. Injected
// failures are counted in Stats.Injected, not recorded as rejections: the bot
// did nothing wrong.
func (s *Server) FailNext(method string, code int, retryAfter int, description string) {
	if description == "" {
		description = defaultDescription(code, retryAfter)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := strings.ToLower(method)
	s.failures[m] = append(s.failures[m], injectedFailure{code, retryAfter, description})
}

func defaultDescription(code, retryAfter int) string {
	switch code {
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden: bot was blocked by the user"
	case 404:
		return "Not Found"
	case 409:
		return "Conflict"
	case 429:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	case 502:
		return "Bad Gateway"
	default:
		return "Internal Server Error"
	}
}

// OddResults makes every successful call of method (say "sendMessage")
// answer 200 {"ok":true} with its result in a shape the client cannot
// decode: numbers as strings ("message_id":"12"), true as "true", as an
// emulator or a newer API version might. The call takes effect as usual
// (the message is sent), so a client that takes the answer for a failure
// and retries sends it twice. on=false restores normal answers.
func (s *Server) OddResults(method string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.odd == nil {
		s.odd = map[string]bool{}
	}
	s.odd[strings.ToLower(method)] = on
}

// oddShape turns a result into the same data in another shape.
func oddShape(result any) any {
	b, err := json.Marshal(result)
	if err != nil {
		return result
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return string(b) // true -> "true", a list -> its JSON text
	}
	for k, v := range m {
		if n, ok := v.(float64); ok {
			m[k] = strconv.FormatFloat(n, 'f', -1, 64)
		}
	}
	return m
}

// Block makes every send or edit to the chat answer 403 "Forbidden: bot was
// blocked by the user", as after the user blocks the bot.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Unblock undoes Block (the user restarted the bot).
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

// broadcast wakes every waiter. Call with s.mu held.
func (s *Server) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitUntil calls cond under s.mu until it returns true, the timeout passes
// or the server closes. It reports whether cond became true.
func (s *Server) waitUntil(timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			s.mu.Lock()
			defer s.mu.Unlock()
			return cond()
		case <-s.closing:
			return false
		}
	}
}
