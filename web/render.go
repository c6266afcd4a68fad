package web

import (
	"html/template"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
)

// view is what the page template shows.
type view struct {
	Lang, OtherLang, Title, Token, Notice string
	// Trail is the last few answers ("✓ answer" lines) above the next
	// question, as Telegram shows them in the message that moves on.
	Trail   template.HTML
	Replies []replyView
	// TextBox offers typing an answer or pasting an ad (on a question).
	TextBox         bool
	TypeLabel, Send string
	// Continue links back to the check when the screen has no buttons
	// (privacy, deleted answers).
	Continue                        string
	Help, Language, Privacy, Forget string
	Idle                            int
	IdleText                        template.HTML
	Done                            string
	QR                              bool
	QRText, QRAlt, Photo            string
	// Start is the kiosk's start button, shown before a visitor's check.
	Start string
}

type replyView struct {
	Head string
	Body template.HTML
	Rows [][]convo.Button
}

// render writes the page for resp.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, id string, resp convo.Response, notice string) {
	ct := s.core.Content()
	lang := resp.Lang
	if !locales.Supported(lang) {
		lang = acceptLang(r)
	}
	t := func(msg string) string { return ct.Msgs.Text(lang, msg, false, nil) }
	v := view{Lang: lang, OtherLang: locales.Next(lang), Title: t(locales.WebTitle), Token: s.token(id), Notice: notice,
		TypeLabel: t(locales.WebTypeLabel), Send: t(locales.WebSend),
		Help: t(locales.BtnHelp), Language: t(locales.BtnLanguage), Privacy: t(locales.WebPrivacy), Forget: t(locales.WebForget)}
	nums := numbers(ct.Set)
	if resp.Trail != "" {
		v.Trail = body(resp.Trail, nums)
	}
	buttons := false
	for _, rep := range resp.Replies {
		v.Replies = append(v.Replies, replyView{Head: rep.Head, Body: body(rep.Body, nums), Rows: rep.Buttons})
		buttons = buttons || len(rep.Buttons) > 0
	}
	v.TextBox = buttons && !resp.Done
	if !buttons {
		v.Continue = t(locales.WebContinue)
	}
	if s.opt.Kiosk && len(resp.Replies) == 0 {
		v.Start, v.Continue = t(locales.CmdStart), ""
	} else if s.opt.Kiosk {
		v.Idle = int(s.opt.Idle.Seconds())
		v.IdleText = countdown(ct.Msgs.Text(lang, locales.WebKioskIdle, false, map[string]any{"N": mark}), v.Idle)
		v.Done = t(locales.WebKioskDone)
		if resp.Done {
			v.Photo = t(locales.WebKioskPhoto)
			if s.qr != nil {
				v.QR, v.QRText, v.QRAlt = true, t(locales.WebKioskTelegram), t(locales.WebQRAlt)
			}
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// A page holds a visitor's answers: never keep it in a cache or
	// history that the next person at the same screen could open.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := pageTmpl.Execute(w, v); err != nil {
		s.opt.Log.Warn("web: rendering a page", "err", err)
	}
}

// mark stands for the number of seconds in the countdown text, where the
// page puts the element the script counts down in.
const mark = "\uE000"

func countdown(text string, secs int) template.HTML {
	before, after, _ := strings.Cut(text, mark)
	return template.HTML(template.HTMLEscapeString(before) + `<span id="idle-n">` + strconv.Itoa(secs) + `</span>` +
		template.HTMLEscapeString(after))
}

// number is a phone number as the messages write it, and its tel: link.
type number struct {
	Text string
	Tel  template.URL // tel: is safe here: digits and a +, made below
}

// numbers are the directory's phone numbers, longest first, so that a
// number is linked whole rather than a shorter one inside it.
func numbers(set *flows.Set) []number {
	var ns []number
	seen := map[string]bool{}
	for _, c := range set.Contacts {
		if c.Disabled != "" {
			continue
		}
		for _, n := range c.Call {
			if seen[n.Number] {
				continue
			}
			seen[n.Number] = true
			ns = append(ns, telNumber(n.Number))
		}
	}
	sort.Slice(ns, func(i, j int) bool { return len(ns[i].Text) > len(ns[j].Text) })
	return ns
}

// telNumber links a number as written: its digits, with the + of an
// international one.
func telNumber(text string) number {
	tel := digits(text)
	if strings.HasPrefix(text, "+") {
		tel = "+" + tel
	}
	return number{text, template.URL("tel:" + tel)}
}

func digits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// body turns a reply's plain text into HTML: blank lines part paragraphs,
// lines starting "• " or "1. " become lists, links and the directory's
// phone numbers become links (tel: for calls, wa.me for WhatsApp).
func body(text string, nums []number) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		var lines []string
		kind := ""
		flush := func() {
			if len(lines) == 0 {
				return
			}
			switch kind {
			case "ul", "ol":
				b.WriteString("<" + kind + ">")
				for _, l := range lines {
					b.WriteString("<li>" + linkify(l, nums) + "</li>")
				}
				b.WriteString("</" + kind + ">")
			default:
				b.WriteString("<p>")
				for i, l := range lines {
					if i > 0 {
						b.WriteString("<br>")
					}
					b.WriteString(linkify(l, nums))
				}
				b.WriteString("</p>")
			}
			lines = nil
		}
		for _, line := range strings.Split(para, "\n") {
			k, rest := lineKind(line)
			if k != kind {
				flush()
				kind = k
			}
			lines = append(lines, rest)
		}
		flush()
	}
	return template.HTML(b.String())
}

var numbered = regexp.MustCompile(`^\d{1,2}\. `)

func lineKind(line string) (kind, rest string) {
	if r, ok := strings.CutPrefix(line, "• "); ok {
		return "ul", r
	}
	if m := numbered.FindString(line); m != "" {
		return "ol", line[len(m):]
	}
	return "p", line
}

var urlRe = regexp.MustCompile(`https://[^\s<>"]+`)

type span struct {
	start, end int
	href       string
}

// linkify escapes a line and links its URLs and phone numbers.
func linkify(line string, nums []number) string {
	var spans []span
	for _, m := range urlRe.FindAllStringIndex(line, -1) {
		end := m[1]
		for end > m[0] && strings.ContainsRune(".,;:)!?", rune(line[end-1])) {
			end--
		}
		spans = append(spans, span{m[0], end, line[m[0]:end]})
	}
	taken := func(a, b int) bool {
		for _, s := range spans {
			if a < s.end && b > s.start {
				return true
			}
		}
		return false
	}
	for _, n := range nums {
		for from := 0; ; {
			i := strings.Index(line[from:], n.Text)
			if i < 0 {
				break
			}
			a, b := from+i, from+i+len(n.Text)
			from = b
			if !taken(a, b) && boundary(line, a-1) && boundary(line, b) {
				spans = append(spans, span{a, b, string(n.Tel)})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var out strings.Builder
	at := 0
	for _, s := range spans {
		out.WriteString(template.HTMLEscapeString(line[at:s.start]))
		out.WriteString(`<a href="` + template.HTMLEscapeString(s.href) + `">` + template.HTMLEscapeString(line[s.start:s.end]) + `</a>`)
		at = s.end
	}
	out.WriteString(template.HTMLEscapeString(line[at:]))
	return out.String()
}

// boundary reports whether the byte at i does not continue a number or a
// word ("110" in "1100" or "a110" is not the police).
func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '+' || c == '-')
}
