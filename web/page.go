package web

import (
	"embed"
	"html/template"
	"net/http"
	"strings"

	"golang.org/x/text/language"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/locales"
)

//go:embed assets
var assets embed.FS

var (
	pageTmpl    = template.Must(template.ParseFS(assets, "assets/page.html"))
	limitedTmpl = template.Must(template.ParseFS(assets, "assets/limited.html"))
)

// maxForm bounds a post: a pasted job ad fits many times over.
const maxForm = 32 << 10

// maxText is the longest typed text passed on, in bytes, as on Telegram.
const maxText = 4096

// commands a form may send (the buttons in the header and footer) or a
// visitor may type, as in the terminal.
var commands = map[string]bool{
	convo.CmdStart: true, convo.CmdRestart: true, convo.CmdBack: true, convo.CmdHelp: true,
	convo.CmdLanguage: true, convo.CmdPrivacy: true, convo.CmdForget: true,
}

// page shows the screen the visitor's check is at (see current).
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	resp, id := s.current(w, r)
	s.render(w, r, http.StatusOK, id, resp, "")
}

// current shows the screen the check is at, changing nothing. Where no
// check is begun (a new visitor gets a cookie) it starts one, except on a
// kiosk, which shows its start button first: an idle screen that clears
// itself again and again starts no check, so the statistics count people.
func (s *Server) current(w http.ResponseWriter, r *http.Request) (convo.Response, string) {
	id := visitor(r)
	var resp convo.Response
	if id == "" {
		id = newVisitor()
		s.setVisitor(w, r, id)
	} else {
		resp = s.handle(r, id, convo.Request{Kind: convo.KindCommand, Command: convo.CmdShow})
	}
	if len(resp.Replies) == 0 && !s.opt.Kiosk {
		resp = s.handle(r, id, convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart, Text: s.opt.Start})
	}
	if len(resp.Replies) == 0 {
		resp.Lang = acceptLang(r) // the kiosk's start button
	}
	return resp, id
}

func (s *Server) handle(r *http.Request, id string, req convo.Request) convo.Response {
	req.Visitor, req.LangHint = id, acceptLang(r)
	return s.core.Handle(r.Context(), req)
}

// post applies one form: a button (d), a header or footer command (cmd),
// or typed text (text). A form that is not the visitor's own, or holds
// anything else, changes nothing and shows where the check is.
func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	id := visitor(r)
	if !s.checkPost(r, id) {
		s.outOfDate(w, r)
		return
	}
	req, ok := formRequest(r)
	if !ok {
		s.outOfDate(w, r)
		return
	}
	if req.Kind == convo.KindCommand && req.Command == convo.CmdStart && req.Text == "" {
		req.Text = s.opt.Start // the kiosk's start button: its campaign
	}
	if s.opt.Kiosk && req.Kind == convo.KindCommand && (req.Command == convo.CmdHelp || req.Command == convo.CmdLanguage) {
		// From the kiosk's start button page: begin the visit under the
		// kiosk's campaign first, as a Telegram user's /start comes first.
		if show := s.handle(r, id, convo.Request{Kind: convo.KindCommand, Command: convo.CmdShow}); len(show.Replies) == 0 {
			s.handle(r, id, convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart, Text: s.opt.Start})
		}
	}
	resp := s.handle(r, id, req)
	if req.Kind == convo.KindCommand && req.Command == convo.CmdPrivacy && len(resp.Replies) > 0 {
		// The shared text speaks of chats; a browser's link is a cookie.
		resp.Replies = append(resp.Replies, convo.Reply{Body: s.text(resp.Lang, locales.WebPrivacyWeb, nil)})
	}
	if req.Kind == convo.KindCommand && req.Command == convo.CmdForget {
		// Nothing of the old id is left; a new one starts clean.
		id = newVisitor()
		s.setVisitor(w, r, id)
	}
	notice := resp.Toast
	if len(resp.Replies) == 0 {
		// A stale or repeated button: the toast says so, above the screen
		// the check is at.
		resp, id = s.current(w, r)
	}
	s.render(w, r, http.StatusOK, id, resp, notice)
}

// formRequest reads the one thing a form sends.
func formRequest(r *http.Request) (convo.Request, bool) {
	d, cmd, text := r.PostFormValue("d"), r.PostFormValue("cmd"), strings.TrimSpace(r.PostFormValue("text"))
	switch {
	case d != "" && cmd == "" && text == "":
		return convo.Request{Kind: convo.KindButton, Data: d}, true
	case cmd != "" && d == "" && text == "":
		return convo.Request{Kind: convo.KindCommand, Command: cmd}, commands[cmd]
	case text != "" && d == "" && cmd == "":
		if len(text) > maxText {
			return convo.Request{}, false
		}
		if name, ok := strings.CutPrefix(text, "/"); ok {
			name, arg, _ := strings.Cut(name, " ")
			return convo.Request{Kind: convo.KindCommand, Command: name, Text: arg}, commands[name]
		}
		return convo.Request{Kind: convo.KindText, Text: text}, true
	}
	return convo.Request{}, false
}

// outOfDate answers a form that was old, forged, or came without its
// cookie: status 403, a line saying nothing changed, and the screen the
// check is at.
func (s *Server) outOfDate(w http.ResponseWriter, r *http.Request) {
	resp, id := s.current(w, r)
	s.render(w, r, http.StatusForbidden, id, resp, s.text(resp.Lang, locales.WebOutOfDate, nil))
}

// reset ends a visit: the session is deleted and the browser gets a new
// id, so nothing of the visit can be shown again (the kiosk's "next
// person", and its idle timer).
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	id := visitor(r)
	if !s.checkPost(r, id) {
		s.outOfDate(w, r)
		return
	}
	s.handle(r, id, convo.Request{Kind: convo.KindCommand, Command: convo.CmdForget})
	// No cookie: the next visitor starts at the kiosk's start button.
	http.SetCookie(w, &http.Cookie{Name: cookieName, Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// tooMany answers a client over its request limit: status 429, and the
// emergency contacts as links, so that even this page reaches help in one
// tap (a person in danger may tap fast).
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request) {
	lang := acceptLang(r)
	ct := s.core.Content()
	t := func(id string) string { return ct.Msgs.Text(lang, id, false, nil) }
	ids := ct.Flow.HelpNow
	if ids == nil {
		ids = ct.Flow.Result.Contacts
	}
	v := struct {
		Lang, Title, Text, Heading string
		Contacts                   []contactView
	}{lang, t(locales.WebTitle), t(locales.WebTooMany), t(locales.VerdictContact), contactViews(ct, lang, ids)}
	w.Header().Set("Retry-After", "60")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTooManyRequests)
	if err := limitedTmpl.Execute(w, v); err != nil {
		s.opt.Log.Warn("web: rendering a page", "err", err)
	}
}

// contactView is a contact with its numbers as tel: links.
type contactView struct {
	Name, WhatsApp string
	Numbers        []number
}

func contactViews(ct *convo.Content, lang string, ids []string) []contactView {
	var out []contactView
	for _, id := range ids {
		c := ct.Set.Contacts[id]
		if c == nil || c.Disabled != "" {
			continue
		}
		cv := contactView{Name: c.Name[lang], WhatsApp: c.WhatsAppLink()}
		for _, n := range c.Call {
			cv.Numbers = append(cv.Numbers, telNumber(n.Number))
		}
		out = append(out, cv)
	}
	return out
}

func (s *Server) qrCode(w http.ResponseWriter, r *http.Request) {
	if s.qr == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "max-age=86400")
	_, _ = w.Write(s.qr)
}

func asset(name, ctype string) http.HandlerFunc {
	data, err := assets.ReadFile("assets/" + name)
	if err != nil {
		panic(err) // embedded at build time: cannot be missing
	}
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "max-age=86400")
		_, _ = w.Write(data)
	}
}

func (s *Server) text(lang, id string, data map[string]any) string {
	return s.core.Content().Msgs.Text(lang, id, false, data)
}

// acceptLang is the visitor's language from Accept-Language: the first of
// the bot's languages (locales.Languages) in their order of preference;
// locales.Fallback otherwise, as on Telegram.
func acceptLang(r *http.Request) string {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil {
		return locales.Fallback
	}
	for _, t := range tags {
		base, _ := t.Base()
		if b := base.String(); b == "in" || locales.Supported(b) {
			return locales.Match(b)
		}
	}
	return locales.Fallback
}
