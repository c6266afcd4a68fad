// Package bot is the Telegram channel: it turns Telegram updates into
// conversation requests and responses into Bot API calls. It holds no flow
// logic; that lives in the conversation core.
package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
)

// Core is what the adapter needs of the conversation core.
type Core interface {
	Handle(ctx context.Context, req convo.Request) convo.Response
	// Forget deletes what is stored about a chat (the user blocked the bot).
	Forget(ctx context.Context, chatID int64) error
	// MarkUnsent notes that a chat's replies could not all be delivered.
	MarkUnsent(ctx context.Context, chatID int64) error
	Content() *convo.Content
}

// Recorder is told about updates and failed Bot API calls (metrics).
type Recorder interface {
	Update(kind string, d time.Duration)
	APIError(code string)
	// Shed counts an update refused (busy, closing: Telegram delivers it
	// again), dropped (chat_queue, abandoned), or a first message that
	// waited in the lobby (lobby) and was left there at a stop (left).
	Shed(reason string)
}

type noRecorder struct{}

func (noRecorder) Update(string, time.Duration) {}
func (noRecorder) APIError(string)              {}
func (noRecorder) Shed(string)                  {}

// Bot serves one Telegram bot.
type Bot struct {
	api      *tg.Bot
	core     Core
	log      *slog.Logger
	username string
	chats    *dispatcher
	retry    retryPolicy
	limit    *pacer
	rec      Recorder
	admins   map[int64]bool
	report   func(ctx context.Context, campaign string) (string, error)
	token    string // only to keep it out of logs
	groups   groupNotices
	queries  queryAnswers // callback queries answered, see answerEarly and onButton
	shown    shownScreens // what the latest in-place edit of each chat showed
	// busyAnswers bounds the busy notices under way (see answerBusy).
	busyAnswers chan struct{}
	taken       atomic.Int64 // the last update id long polling handed over (see confirm)
	apiURL      string       // the Bot API server, for confirm
	client      tg.HttpClient
	shed        *shedLog
	// sleep waits out a retry's backoff or retry_after (a seam: tests
	// record the waits instead of spending them).
	sleep func(ctx context.Context, d time.Duration) bool
	// maxBacklog: no new message is taken while sends are booked further
	// ahead (see WithBackpressure).
	maxBacklog time.Duration
}

// allowedUpdates are the update kinds the bot asks Telegram for, in both
// modes. Telegram keeps the last list it was given, so the list is always
// sent: my_chat_member tells that a user blocked the bot (their session is
// then deleted), whatever an earlier deployment asked for.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// Option configures a Bot.
type Option func(*config)

type config struct {
	apiURL   string
	username string
	log      *slog.Logger
	client   *http.Client
	retry    retryPolicy
	rec      Recorder
	admins   map[int64]bool
	report   func(ctx context.Context, campaign string) (string, error)
	limits   rateLimits
	// maxInHand and maxBacklog: see WithBackpressure.
	maxInHand  int
	maxBacklog time.Duration
}

// WithAPIURL points the bot at another Bot API server (self-hosted, or a
// fake one in tests).
func WithAPIURL(url string) Option { return func(c *config) { c.apiURL = url } }

// WithUsername sets the bot's username (for links) and skips asking
// Telegram for it at start-up.
func WithUsername(name string) Option { return func(c *config) { c.username = name } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithHTTPClient sets the HTTP client for Bot API calls. Give it a
// transport that keeps enough idle connections per host (net/http's default
// of 2 makes every call beyond two in parallel open a new connection, with a
// TLS handshake); NewHTTPClient builds one.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.client = hc } }

// WithRecorder reports updates and API errors to r (e.g. metrics).
func WithRecorder(r Recorder) Option { return func(c *config) { c.rec = r } }

// WithStats lets the chats in admins ask for /stats, answered by report
// (campaign is the name after /stats, "" for every campaign); anyone else
// gets the normal help.
func WithStats(admins []int64, report func(ctx context.Context, campaign string) (string, error)) Option {
	return func(c *config) {
		c.admins = map[int64]bool{}
		for _, id := range admins {
			c.admins[id] = true
		}
		c.report = report
	}
}

// NewHTTPClient returns an HTTP client for Bot API calls that keeps up to
// idlePerHost idle keep-alive connections to the Bot API server, with a
// timeout above the long-polling one.
func NewHTTPClient(idlePerHost int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = max(idlePerHost, 100)
	t.MaxIdleConnsPerHost = idlePerHost
	return &http.Client{Timeout: 2 * time.Minute, Transport: t}
}

// New connects to the Bot API (asking getMe for the username unless given).
func New(ctx context.Context, core Core, token string, opts ...Option) (*Bot, error) {
	cfg := config{log: slog.Default(), retry: defaultRetry, rec: noRecorder{}, limits: defaultLimits,
		maxInHand: defaultMaxInHand, maxBacklog: defaultMaxBacklog}
	for _, o := range opts {
		o(&cfg)
	}
	b := &Bot{core: core, log: cfg.log, username: cfg.username, retry: cfg.retry, limit: newPacer(cfg.limits, time.Now), rec: cfg.rec,
		admins: cfg.admins, report: cfg.report, token: token}
	b.maxBacklog = cfg.maxBacklog
	b.busyAnswers = make(chan struct{}, maxBusyAnswers)
	b.sleep = sleep
	b.shed = &shedLog{log: b.log, rec: b.rec}
	b.chats = newDispatcher(b.process)
	b.chats.limit = max(cfg.maxInHand, 0)
	b.chats.room = b.room
	if cfg.maxInHand > 0 {
		b.chats.lobby = newLobby(defaultLobby)
		b.chats.newcomer = func(u *models.Update) bool { return u.Message != nil && !b.priority(u) }
		b.chats.lobbyRoom = func(inHand int) bool { return b.queued(inHand) < min(lobbyBacklog, b.maxBacklog) }
		b.chats.entered = func() { b.shed.add(shedLobby) }
		b.chats.left = func(n int) { b.shed.addN(shedLeft, n) }
	}
	b.chats.waiting = b.answerEarly
	b.chats.dropped = func(*models.Update) { b.shed.add(shedChatQueue) }
	b.chats.abandoned = func(chat int64, n int) {
		// Their replies will not come: the chat's next request shows
		// where it is (see convo.Core.MarkUnsent). Once per chat.
		for range n {
			b.shed.add(shedAbandoned)
		}
		if chat > 0 {
			b.markUnsent(chat)
		}
	}
	tgOpts := []tg.Option{
		tg.WithSkipGetMe(),
		// Updates reach us in order; the dispatcher keeps each chat's order
		// while chats run in parallel.
		tg.WithNotAsyncHandlers(),
		// Waiting for room here stops the polling loop from fetching
		// more: Telegram keeps what the bot cannot take yet.
		tg.WithDefaultHandler(func(ctx context.Context, _ *tg.Bot, u *models.Update) {
			if !b.chats.wait(ctx, u) {
				if ctx.Err() == nil {
					b.shed.add(shedClosing)
					return
				}
				// Polling stops: the library may have confirmed this
				// update to Telegram already (it confirms a batch when
				// it asks for the next), so it is handled in the grace
				// period rather than lost.
				b.chats.add(u)
			}
			b.taken.Store(u.ID)
		}),
		tg.WithErrorsHandler(func(err error) {
			if strings.Contains(err.Error(), "some updates lost, ctx done") {
				// Polling stopped mid-batch: the updates it had not handed
				// over were never confirmed, so Telegram gives them to the
				// next process. Nothing is lost, whatever the library says.
				b.log.Info("polling stopped; updates not taken are left at Telegram for the next start")
				return
			}
			b.log.Warn("telegram", "err", redact(err, token))
		}),
		tg.WithAllowedUpdates(allowedUpdates),
		// No buffer between the library's fetching and the handler: the
		// library confirms a batch to Telegram when it asks for the next,
		// which it does once the handler has taken the last of the batch.
		// Updates in a buffer would be confirmed and not yet taken, and
		// lost at a stop; with none, fetching also stops as soon as the
		// bot has no room.
		tg.WithUpdatesChannelCap(0),
	}
	if cfg.apiURL != "" {
		tgOpts = append(tgOpts, tg.WithServerURL(strings.TrimRight(cfg.apiURL, "/")))
	}
	var client tg.HttpClient = &http.Client{Timeout: time.Minute} // the library's default
	if cfg.client != nil {
		client = cfg.client
	}
	b.client, b.apiURL = client, "https://api.telegram.org"
	if cfg.apiURL != "" {
		b.apiURL = strings.TrimRight(cfg.apiURL, "/")
	}
	tgOpts = append(tgOpts, tg.WithHTTPClient(time.Minute, statusClient{client}))
	api, err := tg.New(token, tgOpts...)
	if err != nil {
		return nil, err
	}
	b.api = api
	if b.username == "" {
		me, err := api.GetMe(ctx)
		if err != nil {
			return nil, fmt.Errorf("getMe: %w", redact(err, token))
		}
		b.username = me.Username
	}
	return b, nil
}

// Username is the bot's username, for links.
func (b *Bot) Username() string { return b.username }

// Link returns the bot's deep link with a start payload ("" for none).
func (b *Bot) Link(payload string) string { return campaign.Link(b.username, payload) }

// Poll serves updates by long polling until ctx ends, then waits for the
// updates in hand to finish. It removes any webhook first: Telegram refuses
// getUpdates while one is set.
func (b *Bot) Poll(ctx context.Context) error {
	if _, err := b.api.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("deleteWebhook: %w", err)
	}
	if err := b.SetCommands(ctx); err != nil {
		b.log.Warn("setMyCommands failed; commands still work when typed", "err", err)
	}
	b.log.Info("polling for updates", "bot", b.username)
	b.api.Start(ctx)
	b.finish(shutdownGrace)
	b.confirm()
	return nil
}

// confirm tells Telegram that the updates taken by long polling are done
// (a getUpdates with the offset after the last one taken). Telegram
// forgets an update only when a later getUpdates names an offset past it;
// without this, the next process is given the last batch again, and a tap
// already answered would be answered twice. This confirms nothing past
// the last update taken, and the library confirms a batch only once all of
// it was taken (no buffer, see New): nothing fetched is lost at a stop
// (TestPollingStopLosesNothing). Webhook mode loses none either: what
// comes during a stop gets 503 and Telegram keeps it.
func (b *Bot) confirm() {
	last := b.taken.Load()
	if last == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	form := url.Values{"offset": {strconv.FormatInt(last+1, 10)}, "timeout": {"0"}, "limit": {"1"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.apiURL+"/bot"+b.token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.client.Do(req)
	if err != nil {
		b.log.Warn("could not confirm the last updates to Telegram; the next start gets them again", "err", Redact(err, b.token))
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// finish refuses new updates, then lets those in hand be handled, at most
// grace; what is left after that is cancelled and dropped (Telegram had it
// confirmed already), counted, and its chat marked so that its next
// request shows the screen it missed (see the abandoned hook in New).
func (b *Bot) finish(grace time.Duration) {
	b.chats.close()
	if !b.chats.shutdown(grace) {
		b.log.Warn("shutdown: updates still in progress after the grace period were cancelled", "grace", grace.String())
	}
	b.shed.flush()
}

// Redact removes the token from an error's text (URLs of Bot API calls
// carry it) and keeps the error itself for errors.Is and errors.As. Every
// command that calls the Bot API with the token uses it.
func Redact(err error, token string) error { return redact(err, token) }

func redact(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return redacted{msg: strings.ReplaceAll(err.Error(), token, "<token>"), err: err}
}

type redacted struct {
	msg string
	err error
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }
