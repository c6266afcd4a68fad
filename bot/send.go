package bot

import (
	"context"
	"errors"
	"html"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/locales"
)

// retryPolicy bounds how a failed Bot API call is retried.
type retryPolicy struct {
	attempts int           // in all, first try included
	backoff  time.Duration // first wait after a network error; doubles
	maxWait  time.Duration // longest retry_after we honour before giving up
}

var defaultRetry = retryPolicy{attempts: 4, backoff: 500 * time.Millisecond, maxWait: 30 * time.Second}

// errBlocked stops a delivery: the user blocked the bot.
var errBlocked = errors.New("bot blocked by the user")

// call runs one Bot API call, classifying its failure:
//   - an HTTP 2xx answer the library could not read (a field in a shape
//     it does not know): Telegram accepted the call, which took effect;
//     it is never made again, and counts as done;
//   - 429: wait retry_after seconds and retry;
//   - 403 for a chat: the user blocked the bot; forget the chat's session;
//   - "message is not modified", "query is too old": harmless, done;
//   - other 4xx: a bug on our side, not retried;
//   - anything else (network, 5xx): retry with growing backoff.
func (b *Bot) call(ctx context.Context, chatID int64, do func(context.Context) error) error {
	wait := b.retry.backoff
	var err error
	for attempt := 1; attempt <= b.retry.attempts; attempt++ {
		sent := func() {}
		if chatID != 0 {
			var err error
			if sent, err = b.limit.wait(ctx, chatID); err != nil {
				return err
			}
		}
		st := &httpStatus{}
		// Errors of failed requests quote the URL, which holds the token.
		err = redact(do(context.WithValue(ctx, httpStatusKey{}, st)), b.token)
		sent()
		accepted := st.accepted()
		switch {
		case err == nil:
		case accepted && !errors.Is(err, tg.ErrorForbidden):
			b.rec.APIError("unreadable")
		default:
			b.rec.APIError(errorCode(err))
		}
		var tooMany *tg.TooManyRequestsError
		switch {
		case err == nil:
			return nil
		case accepted && !errors.Is(err, tg.ErrorForbidden):
			b.log.Warn("Telegram accepted a call but its answer could not be read; it is not made again", "err", err)
			return nil
		case errors.As(err, &tooMany):
			d := time.Duration(tooMany.RetryAfter) * time.Second
			if d > b.retry.maxWait {
				return err
			}
			if !b.sleep(ctx, d) {
				return err
			}
			continue
		case errors.Is(err, tg.ErrorForbidden):
			if chatID != 0 {
				if ferr := b.core.Forget(ctx, chatID); ferr != nil {
					b.log.Warn("forget after block failed", "err", ferr)
				}
			}
			return errBlocked
		case harmless(err):
			return nil
		case errors.Is(err, tg.ErrorBadRequest), errors.Is(err, tg.ErrorUnauthorized), errors.Is(err, tg.ErrorNotFound):
			return err
		}
		if !b.sleep(ctx, wait) {
			return err
		}
		wait *= 2
	}
	return err
}

// httpStatus receives the HTTP status of the Bot API call made with a
// context that carries it (see statusClient).
type httpStatus struct{ code atomic.Int32 }

type httpStatusKey struct{}

// accepted reports whether the call's answer had a 2xx status.
func (h *httpStatus) accepted() bool {
	c := h.code.Load()
	return c >= 200 && c < 300
}

// statusClient tells each call's HTTP status to the httpStatus in its
// request's context: the library turns a 200 whose body it cannot decode
// into an error that reads like a network failure, and only the status
// says that Telegram accepted the call.
type statusClient struct{ inner tg.HttpClient }

func (c statusClient) Do(r *http.Request) (*http.Response, error) {
	resp, err := c.inner.Do(r)
	if resp != nil {
		if st, ok := r.Context().Value(httpStatusKey{}).(*httpStatus); ok {
			st.code.Store(int32(resp.StatusCode))
		}
	}
	return resp, err
}

// errorCode classifies an API error for metrics.
func errorCode(err error) string {
	var tooMany *tg.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		return "429"
	case errors.Is(err, tg.ErrorForbidden):
		return "403"
	case errors.Is(err, tg.ErrorBadRequest):
		return "400"
	case errors.Is(err, tg.ErrorUnauthorized):
		return "401"
	case errors.Is(err, tg.ErrorNotFound):
		return "404"
	case errors.Is(err, tg.ErrorConflict):
		return "409"
	}
	return "other"
}

func harmless(err error) bool {
	s := err.Error()
	return strings.Contains(s, "message is not modified") || strings.Contains(s, "query is too old")
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// formatHTML renders a reply for parse_mode HTML: the head in bold, every
// value escaped (messages are plain text, never markup).
// A trail of earlier answers goes above, in italics.
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

// keyboard turns button rows into an inline keyboard (nil for none).
func keyboard(rows [][]convo.Button) *models.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	n := 0
	for _, row := range rows {
		n += len(row)
	}
	// One array holds every button, each row a slice of it.
	all := make([]models.InlineKeyboardButton, 0, n)
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: make([][]models.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		out := all[len(all) : len(all) : len(all)+len(row)]
		for _, btn := range row {
			if btn.URL != "" {
				out = append(out, models.InlineKeyboardButton{Text: btn.Label, URL: btn.URL})
			} else {
				out = append(out, models.InlineKeyboardButton{Text: btn.Label, CallbackData: btn.Data})
			}
		}
		all = all[:len(all)+len(out)]
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb
}

// commandIDs pairs each command with the message describing it.
var commandIDs = []struct{ name, msg string }{
	{convo.CmdStart, locales.CmdStart},
	{convo.CmdHelp, locales.CmdHelp},
	{convo.CmdRestart, locales.CmdRestart},
	{convo.CmdBack, locales.CmdBack},
	{convo.CmdLanguage, locales.CmdLanguage},
	{convo.CmdPrivacy, locales.CmdPrivacy},
	{convo.CmdForget, locales.CmdForget},
}

// SetCommands registers the command menu in Indonesian, English, and (in
// English, as locales.Match answers them) for every other language.
func (b *Bot) SetCommands(ctx context.Context) error {
	msgs := b.core.Content().Msgs
	// Each language of the message files, and "" (every other user, in
	// the language locales.Match gives them).
	for _, lang := range append(locales.Languages(), "") {
		l := locales.Match(lang)
		var cmds []models.BotCommand
		for _, c := range commandIDs {
			cmds = append(cmds, models.BotCommand{Command: c.name, Description: msgs.Text(l, c.msg, false, nil)})
		}
		err := b.call(ctx, 0, func(ctx context.Context) error {
			_, err := b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{
				Commands: cmds, Scope: &models.BotCommandScopeDefault{}, LanguageCode: lang,
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
