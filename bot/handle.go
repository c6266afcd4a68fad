package bot

import (
	"context"
	"errors"
	"html"
	"math"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/tglimit"
	"github.com/selfcheck-id/selfcheck/locales"
)

// process handles one update. A panic is recovered and logged (without the
// update, which may hold personal data): one bad update must not stop the
// bot for everyone.
func (b *Bot) process(ctx context.Context, u *models.Update) {
	start := time.Now()
	kind := updateKind(u)
	defer func() { b.rec.Update(kind, time.Since(start)) }()
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("panic while handling an update", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	// Edited messages and other update kinds are ignored: an edit of an
	// earlier answer must not answer the question on screen now.
	switch {
	case u.CallbackQuery != nil:
		b.onButton(ctx, u)
	case u.Message != nil && fromUser(u.Message):
		b.onMessage(ctx, u)
	case u.MyChatMember != nil:
		b.onMemberChange(ctx, u.MyChatMember)
	}
}

// onMemberChange deletes what is stored about a private chat whose user
// blocked the bot (Telegram says so at once with a my_chat_member update,
// new status "kicked"): the README promises it, and someone who blocks a
// bot may be hiding that they used it. Nothing is sent: nothing can be.
func (b *Bot) onMemberChange(ctx context.Context, m *models.ChatMemberUpdated) {
	if m.Chat.Type != models.ChatTypePrivate || m.NewChatMember.Type != models.ChatMemberTypeBanned {
		return
	}
	if err := b.core.Forget(ctx, m.Chat.ID); err != nil {
		b.log.Warn("forget after the user blocked the bot failed", "err", err)
		return
	}
	b.log.Debug("the user blocked the bot: the chat's session was deleted")
}

// fromUser reports whether m is something the user wrote or sent: text, a
// caption, or media. Service messages (a pinned message, a changed
// auto-delete timer, "allowed the bot to write") are not, and get no reply.
func fromUser(m *models.Message) bool {
	return m.Text != "" || m.Caption != "" || len(m.Photo) > 0 || m.Sticker != nil || m.Voice != nil ||
		m.Video != nil || m.VideoNote != nil || m.Audio != nil || m.Document != nil || m.Animation != nil ||
		m.Location != nil || m.Contact != nil
}

func (b *Bot) onMessage(ctx context.Context, u *models.Update) {
	m := u.Message
	lang := ""
	if m.From != nil {
		lang = m.From.LanguageCode
	}
	if m.Chat.Type != models.ChatTypePrivate {
		b.onGroup(ctx, m, lang)
		return
	}
	// A photo, sticker or voice note is no answer either: it gets the
	// re-prompt like junk text (a caption counts as text).
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	req := convo.Request{ChatID: m.Chat.ID, UpdateID: u.ID, LangHint: lang, Kind: convo.KindText, Text: text}
	if name, arg, ok := b.parseCommand(text); ok {
		req.Kind, req.Command, req.Text = convo.KindCommand, name, arg
		if name == "stats" {
			if b.admins[m.Chat.ID] && b.report != nil {
				b.sendStats(ctx, m.Chat.ID, arg)
				return
			}
			req.Command = convo.CmdHelp
		}
	}
	resp := b.core.Handle(ctx, req)
	b.deliver(ctx, m.Chat.ID, 0, resp)
}

// onGroup answers a command in a group with one line pointing to a private
// chat, at most once in groupQuiet per group, and ignores everything else:
// the check is personal, and a group is not to be flooded.
func (b *Bot) onGroup(ctx context.Context, m *models.Message, lang string) {
	if _, _, ok := b.parseCommand(m.Text); !ok || !b.groups.allow(m.Chat.ID, time.Now()) {
		return
	}
	text := b.core.Content().Msgs.Text(locales.Match(lang), locales.PrivateOnly, false, map[string]any{"Link": b.Link(campaign.Group)})
	b.deliver(ctx, m.Chat.ID, 0, convo.Response{Replies: []convo.Reply{{Body: text}}})
}

func (b *Bot) onButton(ctx context.Context, u *models.Update) {
	q := u.CallbackQuery
	// A query is answered once, whatever the number of copies of its
	// update: here, or on arrival when it had to queue (answerEarly).
	// A copy still goes to the core, which knows a re-delivered update
	// and changes nothing.
	first, early := b.queries.handling(q.ID, time.Now())
	ignore := func() {
		if first {
			b.answer(ctx, q.ID, "")
		}
	}
	var chat int64
	pressed := 0
	switch m := q.Message; {
	case m.Message != nil:
		chat, pressed = m.Message.Chat.ID, m.Message.ID
		if m.Message.Chat.Type != models.ChatTypePrivate {
			ignore() // a button in a group: answer, change nothing
			return
		}
	case m.InaccessibleMessage != nil:
		// A message too old for Telegram to show us (over 48 hours): the
		// tap still counts, but the message cannot be edited.
		chat = m.InaccessibleMessage.Chat.ID
	}
	if chat <= 0 {
		ignore() // no chat (an inline message) or a group's: not ours
		return
	}
	resp := b.core.Handle(ctx, convo.Request{
		ChatID: chat, UpdateID: u.ID, LangHint: q.From.LanguageCode,
		Kind: convo.KindButton, Data: q.Data,
	})
	// The client shows a spinner until the press is answered: answer before
	// any other Bot API call. Not before the core: whether the tap is stale
	// (and so gets a toast) depends on the session the core reads, and the
	// core is back within the Redis timeouts even when Redis is down.
	if first && resp.Toast == "" && len(resp.Replies) > 0 {
		resp.Toast = b.busyNotice(chat, resp.Lang)
	}
	switch {
	case first:
		b.answer(ctx, q.ID, resp.Toast)
	case early && resp.Important && len(resp.Replies) == 0:
		// Answered already, without this toast, which the user must see
		// ("try again"): it goes as a message instead.
		resp.Replies = []convo.Reply{{Body: resp.Toast}}
	}
	b.deliver(ctx, chat, pressed, resp)
}

func updateKind(u *models.Update) string {
	switch {
	case u.CallbackQuery != nil:
		return "button"
	case u.Message != nil && strings.HasPrefix(u.Message.Text, "/"):
		return "command"
	case u.Message != nil:
		return "message"
	}
	return "other"
}

// statsMax is the longest /stats message, as Telegram counts (UTF-16
// code units): under its 4096 for one message, with room to spare.
const statsMax = tglimit.Message - 96

// StatsCut ends a /stats reply that was too long for one message.
const StatsCut = "… (cut: use `selfcheck stats` for the full report)"

// sendStats answers an admin's /stats (or /stats NAME) with the campaign
// report, monospaced so that its columns line up on a phone. A report too
// long for one message is cut after its last whole line that fits, and
// says so.
func (b *Bot) sendStats(ctx context.Context, chatID int64, campaign string) {
	text, err := b.report(ctx, strings.TrimSpace(campaign))
	if err != nil {
		text = "statistics unavailable: " + err.Error()
	}
	for _, part := range splitStats(text) {
		err = b.call(ctx, chatID, func(ctx context.Context) error {
			_, err := b.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID,
				Text: "<pre>" + html.EscapeString(part) + "</pre>", ParseMode: models.ParseModeHTML})
			return err
		})
		if err != nil {
			b.log.Warn("sendMessage failed", "err", err)
			return
		}
	}
}

// statsParts is how many messages one /stats reply may take.
const statsParts = 3

// splitStats splits a report into messages of at most statsMax characters,
// each ending at a blank line where one is near (a campaign's question
// with its answers stays whole), else at a line; past statsParts
// messages the last is cut and says so.
func splitStats(text string) []string {
	var parts []string
	for len(parts) < statsParts-1 && tglimit.Len(text) > statsMax {
		head := prefix16(text, statsMax)
		i := strings.LastIndex(head, "\n\n")
		if i < len(head)/2 {
			i = strings.LastIndexByte(head, '\n')
		}
		if i <= 0 {
			i = len(head)
		}
		parts = append(parts, strings.TrimRight(head[:i], "\n"))
		text = strings.TrimLeft(text[i:], "\n")
	}
	return append(parts, cutStats(text))
}

// cutStats cuts text to statsMax, notice included.
func cutStats(text string) string {
	if tglimit.Len(text) <= statsMax {
		return text
	}
	keep := prefix16(text, statsMax-tglimit.Len(StatsCut)-1)
	if i := strings.LastIndexByte(keep, '\n'); i > 0 {
		keep = keep[:i]
	}
	return keep + "\n" + StatsCut
}

// prefix16 is the longest start of s of at most n UTF-16 code units,
// whole characters only.
func prefix16(s string, n int) string {
	used := 0
	for i, r := range s {
		if used += tglimit.Len(string(r)); used > n {
			return s[:i]
		}
	}
	return s
}

// parseCommand reads "/name@bot arg" into name and arg. A command
// addressed to another bot ("/start@otherbot", in a group with several
// bots) is not ours: ok is false.
func (b *Bot) parseCommand(text string) (name, arg string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	word, arg, _ := strings.Cut(text[1:], " ")
	name, to, addressed := strings.Cut(word, "@")
	if addressed && !strings.EqualFold(to, b.username) {
		return "", "", false
	}
	return strings.ToLower(name), strings.TrimSpace(arg), name != ""
}

// groupQuiet is how long the bot stays silent in a group after pointing it
// to a private chat: one line is enough, and Telegram allows a bot only 20
// messages a minute in a group.
const groupQuiet = 10 * time.Minute

// groupNotices remembers, in memory, when each group was last answered.
type groupNotices struct {
	mu   sync.Mutex
	last map[int64]time.Time
}

// allow reports whether group may be answered now, and if so notes it.
func (g *groupNotices) allow(group int64, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t, ok := g.last[group]; ok && now.Sub(t) < groupQuiet {
		return false
	}
	if g.last == nil {
		g.last = map[int64]time.Time{}
	}
	if len(g.last) >= maxPacedChats { // forget groups quiet for long enough
		for id, t := range g.last {
			if now.Sub(t) >= groupQuiet {
				delete(g.last, id)
			}
		}
	}
	g.last[group] = now
	return true
}

// answerEarly answers a button press that has to wait behind earlier
// updates of its chat, without a toast: Telegram gives up on a press not
// answered within seconds, and a chat that typed fast may have several
// replies still to go out at one a second. The press is then handled as
// usual, without a second answer.
func (b *Bot) answerEarly(ctx context.Context, u *models.Update) {
	if u.CallbackQuery == nil {
		return
	}
	id := u.CallbackQuery.ID
	if b.queries.early(id, time.Now()) {
		go b.answer(ctx, id, "")
	}
}

// queryMemory is how long the ids of answered callback queries are kept:
// Telegram refuses an answer after seconds, and copies of an update come
// within that (a webhook retry, two replicas polling in turn).
const queryMemory = 10 * time.Minute

// queryAnswers remembers, in memory, which callback queries were answered,
// so that each is answered once, however many copies of its update come.
type queryAnswers struct {
	mu    sync.Mutex
	ids   map[string]queryState
	sweep int // sweep expired ids when the map reaches this size
}

type queryState struct {
	at      time.Time
	handled bool // a copy reached onButton; false: answered early only
}

// early notes that query id is answered on arrival; false when it was
// answered already (a copy).
func (a *queryAnswers) early(id string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.get(id, now); ok {
		return false
	}
	a.put(id, queryState{at: now}, now)
	return true
}

// handling notes that a copy of query id is being handled. first: no copy
// was answered before, answer it now. early: it was answered on arrival,
// and this is the first copy handled (which sends an important toast as a
// message instead).
func (a *queryAnswers) handling(id string, now time.Time) (first, early bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	st, ok := a.get(id, now)
	if ok && st.handled {
		return false, false
	}
	a.put(id, queryState{at: now, handled: true}, now)
	return !ok, ok
}

func (a *queryAnswers) get(id string, now time.Time) (queryState, bool) {
	st, ok := a.ids[id]
	if ok && now.Sub(st.at) >= queryMemory {
		return queryState{}, false
	}
	return st, ok
}

func (a *queryAnswers) put(id string, st queryState, now time.Time) {
	if a.ids == nil {
		a.ids = map[string]queryState{}
	}
	if old, ok := a.ids[id]; ok && now.Sub(old.at) < queryMemory {
		st.at = old.at // remembered from the first answer
	}
	a.ids[id] = st
	if len(a.ids) >= max(a.sweep, 1024) {
		for k, v := range a.ids {
			if now.Sub(v.at) >= queryMemory {
				delete(a.ids, k)
			}
		}
		a.sweep = 2 * len(a.ids)
	}
}

func (b *Bot) answer(ctx context.Context, id, toast string) {
	err := b.call(ctx, 0, func(ctx context.Context) error {
		_, err := b.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: id, Text: toast})
		return err
	})
	if err != nil {
		b.log.Debug("answerCallbackQuery", "err", err)
	}
}

// answerBusy answers a tap the bot has no room for yet with the busy
// notice, once: Telegram delivers the update again, and it is handled then
// without a second answer (see queryAnswers).
func (b *Bot) answerBusy(ctx context.Context, u *models.Update) {
	q := u.CallbackQuery
	if q == nil || !b.queries.early(q.ID, time.Now()) {
		return
	}
	select {
	case b.busyAnswers <- struct{}{}:
	default:
		return // enough of them under way: this tap's spinner runs until it is delivered again
	}
	secs := int(math.Ceil(max(b.limit.expected(chatOf(u)), busyAfter).Seconds()))
	toast := b.core.Content().Msgs.Text(locales.Match(q.From.LanguageCode), locales.Busy, false, map[string]any{"N": secs})
	go func() {
		defer func() { <-b.busyAnswers }()
		// One attempt, unpaced and unretried: this runs when the bot is
		// flooded, and a late answer is refused anyway.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := b.api.AnswerCallbackQuery(actx, &tg.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: toast}); err != nil {
			b.log.Debug("answerCallbackQuery (busy)", "err", Redact(err, b.token))
		}
	}()
}

// maxBusyAnswers bounds the busy notices being sent at once for refused
// taps (each a goroutine and a Bot API call).
const maxBusyAnswers = 64

// busyAfter is the wait for the next message past which a tap's answer
// says that many people are checking: a spinner that stops with nothing
// new on screen for longer looks like a broken bot.
const busyAfter = 3 * time.Second

// busyNotice is the toast telling that the next question comes late, and
// about when; "" when it comes soon.
func (b *Bot) busyNotice(chat int64, lang string) string {
	d := b.limit.expected(chat)
	if d < busyAfter {
		return ""
	}
	secs := int(math.Ceil(d.Seconds()))
	return b.core.Content().Msgs.Text(lang, locales.Busy, false, map[string]any{"N": secs})
}

// deliver shows a response: the next question in the pressed message when
// the response says so (one Bot API call), else an edit of the pressed
// message (when the response has one) and the replies, in order. It stops
// at the first reply that cannot be sent, and then tells the core that
// the chat may have missed its screen, so that the chat's next request
// shows it again.
func (b *Bot) deliver(ctx context.Context, chatID int64, pressed int, resp convo.Response) {
	if resp.InPlace && pressed != 0 {
		mark := shownMark(pressed, resp.Replies[0], resp.Trail)
		if resp.Resent && b.shown.is(chatID, mark) {
			return // a double tap: the message shows this screen already
		}
		err := b.edit(ctx, chatID, pressed, resp.Replies[0], resp.Trail, true)
		if err == nil {
			b.shown.set(chatID, mark)
		}
		if err == nil || errors.Is(err, errBlocked) {
			return
		}
		// Not editable (deleted, too old, or the call failed): a new
		// message, as without InPlace.
		b.log.Debug("editMessageText into the next question", "err", err)
	} else if resp.Edit != nil && pressed != 0 {
		err := b.edit(ctx, chatID, pressed, *resp.Edit, "", false)
		if errors.Is(err, errBlocked) {
			return // the user blocked the bot: nothing more can reach them
		}
		if err != nil {
			b.log.Debug("editMessageText", "err", err)
		}
	}
	for _, r := range resp.Replies {
		err := b.call(ctx, chatID, func(ctx context.Context) error {
			params := &tg.SendMessageParams{ChatID: chatID, Text: formatHTML(r, ""), ParseMode: models.ParseModeHTML,
				LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()}}
			if kb := keyboard(r.Buttons); kb != nil {
				params.ReplyMarkup = kb
			}
			_, err := b.api.SendMessage(ctx, params)
			return err
		})
		if errors.Is(err, errBlocked) {
			return
		}
		if err != nil {
			b.log.Warn("sendMessage failed", "err", err)
			b.markUnsent(chatID)
			return
		}
	}
}

// edit replaces the text of message id with r (and trail above it); with
// buttons, r's buttons replace the message's, else the message loses its
// buttons.
func (b *Bot) edit(ctx context.Context, chatID int64, id int, r convo.Reply, trail string, buttons bool) error {
	return b.call(ctx, chatID, func(ctx context.Context) error {
		params := &tg.EditMessageTextParams{ChatID: chatID, MessageID: id, Text: formatHTML(r, trail), ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()}}
		if kb := keyboard(r.Buttons); buttons && kb != nil {
			params.ReplyMarkup = kb
		}
		_, err := b.api.EditMessageText(ctx, params)
		return err
	})
}

// markUnsent tells the core that a chat's replies did not all go out. It
// runs on its own short deadline: the delivery's context may be the one
// that ended (shutdown).
func (b *Bot) markUnsent(chatID int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := b.core.MarkUnsent(ctx, chatID); err != nil {
		b.log.Warn("could not note a lost reply", "err", err)
	}
}
