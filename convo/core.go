package convo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/selfcheck-id/selfcheck/campaign"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/tglimit"
	"github.com/selfcheck-id/selfcheck/locales"
	"github.com/selfcheck-id/selfcheck/session"
)

// maxAttempts bounds the load-step-save retries when another replica
// changed the same session in between (compare-and-set conflicts).
const maxAttempts = 8

// Core is the channel-agnostic conversation: load, step, save, render.
type Core struct {
	content atomic.Pointer[Content]
	store   *session.Store
	keyer   session.Keyer
	log     *slog.Logger
	// ShareLink is the bot's public link for the "share" button ("" for none).
	ShareLink string
	// Campaigns checks the campaign a /start link names: a session keeps
	// a campaign only when its signature is the organisers' (anything
	// else is kept as "other"), so a typed name that could identify
	// someone is never stored. Nil: any name but one that looks like a
	// phone or ID number (the terminal).
	Campaigns *campaign.Keys
	// Days is the time zone of the day a check counts under in the
	// statistics (STATS_TZ; the campaigns are in Indonesia); nil is UTC.
	Days      *time.Location
	now       func() time.Time
	nonce     func() string
	observers []Observer
	vars      atomic.Pointer[contentVars] // of the content served, see varsOf
	unsure    unsureChats                 // see MarkUnsent
}

// NewCore returns a core serving content from store.
func NewCore(content *Content, store *session.Store, keyer session.Keyer, log *slog.Logger) *Core {
	c := &Core{store: store, keyer: keyer, log: log, now: time.Now, nonce: newNonce}
	c.content.Store(content)
	return c
}

// contentVars are the values every message of a content gets, per
// language (see renderer.vars): worked out once per content, since the
// words for {{.Kept}} come from its message files.
type contentVars struct {
	ct   *Content
	vars map[string]map[string]any
	// withCountry adds {{.Country}} to vars, per language and country
	// (a few dozen at most), built the first time one is asked for.
	withCountry sync.Map // lang + "\x00" + country -> map[string]any
}

func (c *Core) varsOf(ct *Content) *contentVars {
	if v := c.vars.Load(); v != nil && v.ct == ct {
		return v
	}
	v := &contentVars{ct: ct, vars: map[string]map[string]any{}}
	for _, lang := range ct.Msgs.Languages() {
		v.vars[lang] = map[string]any{"Kept": ct.Msgs.Duration(lang, c.store.TTL())}
	}
	c.vars.Store(v)
	return v
}

// of returns the values for messages in lang to a user going to country
// ("" when not chosen yet). The maps returned are only read.
func (v *contentVars) of(lang, country string) map[string]any {
	if country == "" {
		return v.vars[lang]
	}
	key := lang + "\x00" + country
	if m, ok := v.withCountry.Load(key); ok {
		return m.(map[string]any)
	}
	m := make(map[string]any, len(v.vars[lang])+1)
	for k, val := range v.vars[lang] {
		m[k] = val
	}
	m["Country"] = country
	v.withCountry.Store(key, m)
	return m
}

// today is the day a check started now counts under.
func (c *Core) today(now time.Time) string {
	if c.Days != nil {
		return now.In(c.Days).Format(time.DateOnly)
	}
	return now.UTC().Format(time.DateOnly)
}

// Observe adds an observer of outcomes (metrics, statistics). Call it
// before serving.
func (c *Core) Observe(o Observer) { c.observers = append(c.observers, o) }

func (c *Core) notify(ctx context.Context, o Outcome) {
	for _, obs := range c.observers {
		obs.Observe(ctx, o)
	}
}

// SetContent swaps in new content (after a reload); running conversations
// continue where their step still exists.
func (c *Core) SetContent(ct *Content) { c.content.Store(ct) }

// Content returns the content being served.
func (c *Core) Content() *Content { return c.content.Load() }

// Handle runs one request to the end: it never returns an error the user
// should not see. Storage failures become a short "try again" in the user's
// language and change nothing.
func (c *Core) Handle(ctx context.Context, req Request) Response {
	ct := c.content.Load()
	chat := c.keyer.ChatIn(req.Space, req.ChatID)
	if req.Visitor != "" {
		chat = c.keyer.Visitor(req.Visitor)
	}
	lang := locales.Match(req.LangHint)
	for range maxAttempts {
		rec, err := c.store.Load(ctx, chat, req.UpdateID)
		if err != nil {
			return c.unavailable(ctx, ct, chat, lang, req, err)
		}
		if rec.Seen {
			return Response{Lang: lang}
		}
		if c.unsure.has(chat) {
			rec.Unsent = true
		}
		t := turn{ct: ct, req: req, rec: rec, now: c.now(), nonce: c.nonce, share: c.ShareLink, campaigns: c.Campaigns, vars: c.varsOf(ct), today: c.today}
		resp := t.run()
		if t.forget {
			if err := c.store.Forget(ctx, chat); err != nil {
				return c.unavailable(ctx, ct, chat, resp.Lang, req, err)
			}
			c.notify(ctx, Outcome{Forgotten: true, Lang: resp.Lang})
			return resp
		}
		if !rec.Found && t.sess.State.Step == "" && t.sess.Paused == nil {
			// Nothing begun (/privacy in a new chat, a forged tap after
			// /forget): nothing to keep, so nothing is stored.
			return resp
		}
		err = c.store.Save(ctx, chat, rec, t.sess, req.UpdateID)
		if errors.Is(err, session.ErrConflict) {
			continue
		}
		if err != nil {
			if errors.Is(err, session.ErrOutcomeUnknown) {
				// The write may have landed (a timeout after Redis took
				// it): if the user then repeats the tap, show them where
				// they are.
				c.unsure.add(chat)
			}
			return c.unavailable(ctx, ct, chat, resp.Lang, req, err)
		}
		if rec.Unsent {
			c.unsure.remove(chat)
		}
		t.out.Campaign, t.out.Day, t.out.Lang = t.sess.Campaign, t.sess.Day, t.sess.Lang
		c.notify(ctx, t.out)
		return resp
	}
	return c.unavailable(ctx, ct, chat, lang, req, errors.New("too many concurrent changes"))
}

func (c *Core) unavailable(ctx context.Context, ct *Content, chat session.Chat, lang string, req Request, err error) Response {
	c.log.Warn("storage unavailable", "chat", chat.LogID(), "err", err)
	c.notify(ctx, Outcome{Unavailable: true, Lang: lang})
	msg := ct.Msgs.Text(lang, locales.TryAgain, false, nil)
	resp := Response{Lang: lang, Replies: []Reply{{Body: msg}}}
	if req.Kind == KindButton {
		resp = Response{Lang: lang, Toast: tglimit.Truncate(msg, tglimit.Toast), Important: true}
	}
	return resp
}

// newNonce returns NonceLen random characters of [a-z0-9].
func newNonce() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, flows.NonceLen)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Forget deletes everything stored about a chat (the user blocked the bot,
// or asked with /forget).
func (c *Core) Forget(ctx context.Context, chatID int64) error {
	return c.store.Forget(ctx, c.keyer.Chat(chatID))
}

// Ready reports whether the core can serve: content loaded and sessions
// can be saved (see session.Store.Ready).
func (c *Core) Ready(ctx context.Context) error {
	if c.content.Load() == nil {
		return errors.New("no flows loaded")
	}
	if err := c.store.Ready(ctx); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}
