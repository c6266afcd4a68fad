package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
)

// baseline is the least a Telegram bot with state in Redis can do per
// update, written the way the library's examples are: go-telegram/bot's own
// webhook handler and workers, one GET and one SET of a counter, and the
// Bot API calls the real bot makes for the same update: for a tap on a
// question, answerCallbackQuery and one editMessageText that turns the
// pressed message into the next question (with its keyboard and the trail
// of answers); for the tap that ends the check, answerCallbackQuery, the
// edit of the answered question and the verdict's messages; for a typed
// answer or /start, the reply's messages. It sends the very texts and
// keyboards of the real check, rendered once beforehand, so that the wire
// and the fake's work are the same and only the bots' own work differs.
type baseline struct {
	rdb    *redis.Client
	prefix string
	script *script
}

// script is what the real check shows a user who takes the first answer
// every time: steps[0] answers /start, steps[n] the n-th answer.
type script struct {
	steps []convo.Response
}

// answers is the number of answers of one check.
func (sc *script) answers() int { return len(sc.steps) - 1 }

func startBaseline(ctx context.Context, e *env, sc *script) (func(), error) {
	bl := &baseline{rdb: e.rdb, prefix: "loadtest:" + e.runID + ":", script: sc}
	api, err := tg.New(e.token, tg.WithServerURL(e.fake.URL()), tg.WithSkipGetMe(),
		tg.WithHTTPClient(time.Minute, e.client), tg.WithWebhookSecretToken(e.secret),
		tg.WithDefaultHandler(bl.handle), tg.WithErrorsHandler(func(error) {}))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", e.listen)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /tg/hook", api.WebhookHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	workersDone := make(chan struct{})
	go func() { api.StartWebhook(runCtx); close(workersDone) }()
	if _, err := api.SetWebhook(ctx, &tg.SetWebhookParams{URL: e.hookURL("baseline"), SecretToken: e.secret}); err != nil {
		stop()
		_ = srv.Close()
		return nil, fmt.Errorf("setWebhook: %w", err)
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		stop()
		<-workersDone
		if e.mr == nil {
			for _, id := range e.chats.all() {
				bl.rdb.Del(sctx, bl.prefix+strconv.FormatInt(id, 10))
			}
		}
	}, nil
}

func (bl *baseline) handle(ctx context.Context, api *tg.Bot, u *models.Update) {
	var chat int64
	var pressed int
	var query, text string
	switch {
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		chat, pressed, query = u.CallbackQuery.Message.Message.Chat.ID, u.CallbackQuery.Message.Message.ID, u.CallbackQuery.ID
	case u.Message != nil:
		chat, text = u.Message.Chat.ID, u.Message.Text
	default:
		return
	}
	key := bl.prefix + strconv.FormatInt(chat, 10)
	n, err := bl.rdb.Get(ctx, key).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return
	}
	if strings.HasPrefix(text, "/start") {
		n = 0
	} else {
		n++
	}
	if err := bl.rdb.Set(ctx, key, n, time.Hour).Err(); err != nil {
		return
	}
	resp := bl.script.steps[min(n, len(bl.script.steps)-1)]
	if query != "" {
		_, _ = api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: query})
		if resp.InPlace {
			next := resp.Replies[0]
			_, _ = api.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: chat, MessageID: pressed,
				Text: formatHTML(next, resp.Trail), ParseMode: models.ParseModeHTML,
				LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()}, ReplyMarkup: keyboard(next.Buttons)})
			return
		}
		if resp.Edit != nil {
			_, _ = api.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: chat, MessageID: pressed,
				Text: formatHTML(*resp.Edit, ""), ParseMode: models.ParseModeHTML,
				LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()}})
		}
	}
	for _, r := range resp.Replies {
		params := &tg.SendMessageParams{ChatID: chat, Text: formatHTML(r, ""), ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()}}
		if kb := keyboard(r.Buttons); kb != nil {
			params.ReplyMarkup = kb
		}
		_, _ = api.SendMessage(ctx, params)
	}
}

// renderScript runs the real core once (on its own embedded store) along
// the first answers and keeps what it showed.
func renderScript(ctx context.Context, ct *convo.Content) (*script, error) {
	core, _, done, err := newEmbeddedCore(ctx, ct, []byte("script"))
	if err != nil {
		return nil, err
	}
	defer done()
	core.ShareLink = "https://t.me/selfcheck_test_bot"
	req := convo.Request{ChatID: 1, LangHint: "id", Kind: convo.KindCommand, Command: convo.CmdStart}
	sc := &script{}
	for range maxAnswers {
		resp := core.Handle(ctx, req)
		if len(resp.Replies) == 0 {
			return nil, errors.New("the core did not answer while rendering the baseline's script")
		}
		sc.steps = append(sc.steps, resp)
		data := firstAnswerOf(resp)
		if data == "" {
			return sc, nil
		}
		req = convo.Request{ChatID: 1, Kind: convo.KindButton, Data: data}
	}
	return nil, errors.New("no verdict while rendering the baseline's script")
}

// formatHTML and keyboard do what the bot's unexported functions of the
// same names do, so that both bots send the same bytes.
func formatHTML(r convo.Reply, trail string) string {
	out := html.EscapeString(r.Body)
	if r.Head != "" {
		out = "<b>" + html.EscapeString(r.Head) + "</b>\n\n" + out
	}
	if trail != "" {
		out = "<i>" + html.EscapeString(trail) + "</i>\n\n" + out
	}
	return out
}

func keyboard(rows [][]convo.Button) *models.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := &models.InlineKeyboardMarkup{}
	for _, row := range rows {
		var out []models.InlineKeyboardButton
		for _, b := range row {
			if b.URL != "" {
				out = append(out, models.InlineKeyboardButton{Text: b.Label, URL: b.URL})
			} else {
				out = append(out, models.InlineKeyboardButton{Text: b.Label, CallbackData: b.Data})
			}
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb
}
