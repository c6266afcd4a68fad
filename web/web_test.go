package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/locales"
)

// maxPage is the budget for a page with its style sheet.
const maxPage = 50 << 10

// answerFirst taps the first answer of the question on the page; it
// reports false when the page has none (a verdict or an end).
func (v *visit) answerFirst() bool {
	v.t.Helper()
	for _, b := range buttons(v.t, v.page) {
		if tok, ok := flows.ParseToken(b.data); ok && tok.Kind == flows.TokAnswer {
			v.post("/", url.Values{"d": {b.data}})
			return true
		}
	}
	return false
}

func TestWelcome(t *testing.T) {
	srv, env := newServer(t, Options{})
	for _, tc := range []struct{ accept, lang string }{
		{"id-ID,id;q=0.9,en;q=0.8", "id"},
		{"en-GB,en;q=0.9", "en"},
		{"fr-FR,en;q=0.5,id;q=0.4", "en"},
		{"fr,in;q=0.5", "id"},
		{"", "en"},
		{"!!garbage", "en"},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			v := newVisit(t, srv, tc.accept)
			req, _ := http.NewRequest("GET", srv.URL+"/", nil)
			req.Header.Set("Accept-Language", tc.accept)
			resp, err := v.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			h := resp.Header
			for k, want := range map[string]string{
				"Content-Security-Policy": csp, "Cache-Control": "no-store", "X-Frame-Options": "DENY",
				"X-Content-Type-Options": "nosniff", "Content-Type": "text/html; charset=utf-8",
			} {
				if h.Get(k) != want {
					t.Errorf("%s = %q, want %q", k, h.Get(k), want)
				}
			}
			cs := resp.Cookies()
			if len(cs) != 1 || cs[0].Name != cookieName || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode || cs[0].Secure || !validVisitor(cs[0].Value) {
				t.Fatalf("cookie = %+v", cs)
			}
			v.get()
			if !strings.Contains(v.page, `<html lang="`+tc.lang+`">`) {
				t.Errorf("page not in %s:\n%.300s", tc.lang, v.page)
			}
			welcome := env.Core.Content().Msgs.Text(tc.lang, "c.welcome.self", false, nil)
			if !strings.Contains(v.text(), welcome) {
				t.Errorf("no welcome button %q:\n%s", welcome, v.text())
			}
		})
	}
	t.Run("Secure behind TLS", func(t *testing.T) {
		req, _ := http.NewRequest("GET", srv.URL+"/", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cs := resp.Cookies(); len(cs) != 1 || !cs[0].Secure {
			t.Fatalf("cookie = %+v, want Secure", cs)
		}
	})
}

// TestCheckToVerdict completes a check in each language with plain form
// posts, as a browser without JavaScript does, and checks every page.
func TestCheckToVerdict(t *testing.T) {
	srv, env := newServer(t, Options{})
	css := len(mustGet(t, srv.URL+"/s.css"))
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			v := newVisit(t, srv, lang)
			v.get()
			pages, biggest := 0, 0
			for v.answerFirst() {
				if v.status != 200 {
					t.Fatalf("status %d:\n%s", v.status, v.text())
				}
				if !strings.Contains(v.page, `id="sos"`) || !strings.Contains(v.page, `value="help"`) {
					t.Fatalf("page %d has no emergency button", pages)
				}
				biggest = max(biggest, len(v.page))
				if pages++; pages > 60 {
					t.Fatal("no verdict after 60 answers")
				}
			}
			text := v.text()
			contact := env.Core.Content().Msgs.Text(lang, locales.VerdictContact, false, nil)
			if !strings.Contains(text, contact) {
				t.Fatalf("no verdict (%q) after %d pages:\n%s", contact, pages, text)
			}
			for _, want := range []string{`href="tel:+622129244800"`, `href="tel:08001000"`, `href="https://wa.me/628118080141"`} {
				if !strings.Contains(v.page, want) {
					t.Errorf("verdict has no %s", want)
				}
			}
			if strings.Contains(v.page, `name="text"`) {
				t.Error("the verdict offers the text box")
			}
			t.Logf("%s: %d answers; largest page %d bytes + %d of style sheet", lang, pages, biggest, css)
			if biggest+css > maxPage {
				t.Errorf("largest page %d bytes + style sheet %d > %d", biggest, css, maxPage)
			}
		})
	}
}

func mustGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b)
}

// TestStaleAndDoubleSubmit: a button sent twice (a double tap, a reload of
// the posted page) shows the screen again, and a forged one changes nothing
// and says so, as on Telegram.
func TestStaleAndDoubleSubmit(t *testing.T) {
	srv, env := newServer(t, Options{})
	v := newVisit(t, srv, "en")
	v.get()
	first := buttons(t, v.page)[0].data
	v.post("/", url.Values{"d": {first}})
	after := noTrail(v.text())
	second := buttons(t, v.page)[0].data
	stale := env.Core.Content().Msgs.Text("en", locales.Stale, false, nil)
	for _, tc := range []struct {
		name, data string
		notice     bool // a repeat shows the screen again, as on Telegram; the rest say why not
	}{
		{"double submit", first, false},
		{"forged choice", strings.Replace(second, ":"+strings.Split(second, ":")[3], ":nope", 1), true},
		{"forged nonce", "a:zzzzzzzz:" + strings.SplitN(second, ":", 3)[2], true},
		{"garbage", "<script>", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v.post("/", url.Values{"d": {tc.data}})
			if v.status != 200 {
				t.Errorf("status %d", v.status)
			}
			got := v.text()
			if tc.notice && !strings.Contains(got, stale) {
				t.Errorf("no stale notice:\n%s", got)
			}
			if noTrail(strings.Replace(got, stale+"\n", "", 1)) != after {
				t.Errorf("the screen changed:\n%s\nwant\n%s", got, after)
			}
		})
	}
}

// noTrail drops the answer trail ("✓ answer" lines), which only a page
// that moved on shows.
func noTrail(text string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "✓ ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestBadForms: a form that is not the visitor's own (no cookie, no token,
// another visitor's token, another site) or holds what no page sends gets
// 403 and a line saying nothing changed, and changes nothing.
func TestBadForms(t *testing.T) {
	srv, env := newServer(t, Options{})
	v := newVisit(t, srv, "en")
	v.get()
	v.answerFirst()
	before := noTrail(v.text())
	data := buttons(t, v.page)[0].data
	other := newVisit(t, srv, "en")
	other.get()
	outOfDate := env.Core.Content().Msgs.Text("en", locales.WebOutOfDate, false, nil)

	for _, tc := range []struct {
		name    string
		vals    url.Values
		headers map[string]string
		noJar   bool
	}{
		{name: "no token", vals: url.Values{"d": {data}, "t": {""}}},
		{name: "wrong token", vals: url.Values{"d": {data}, "t": {"AAAAAAAAAAAAAAAAAAAAAAAA"}}},
		{name: "another visitor's token", vals: url.Values{"d": {data}, "t": {other.token()}}},
		{name: "from another site", vals: url.Values{"d": {data}}, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{name: "foreign origin", vals: url.Values{"d": {data}}, headers: map[string]string{"Origin": "https://evil.example"}},
		{name: "button and command", vals: url.Values{"d": {data}, "cmd": {"help"}}},
		{name: "unknown command", vals: url.Values{"cmd": {"admin"}}},
		{name: "typed unknown command", vals: url.Values{"text": {"/stats"}}},
		{name: "empty form", vals: url.Values{}},
		{name: "text too long", vals: url.Values{"text": {strings.Repeat("a", maxText+1)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := tc.vals["t"]; !ok {
				tc.vals.Set("t", v.token())
			}
			req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(tc.vals.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", "en")
			for k, h := range tc.headers {
				req.Header.Set(k, h)
			}
			v.do(req)
			if v.status != http.StatusForbidden {
				t.Errorf("status %d, want 403", v.status)
			}
			if got := v.text(); !strings.Contains(got, outOfDate) || noTrail(strings.Replace(got, outOfDate+"\n", "", 1)) != before {
				t.Errorf("page:\n%s\nwant the notice over\n%s", got, before)
			}
			v.get()
			if got := v.text(); got != before {
				t.Errorf("the check changed:\n%s\nwant\n%s", got, before)
			}
		})
	}
	t.Run("no cookie", func(t *testing.T) {
		vals := url.Values{"d": {data}, "t": {v.token()}}
		resp, err := http.PostForm(srv.URL+"/", vals)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
		v.get()
		if got := v.text(); got != before {
			t.Errorf("the check changed:\n%s", got)
		}
	})
}

func TestEmergencyOneTap(t *testing.T) {
	srv, env := newServer(t, Options{})
	for _, lang := range []string{"id", "en"} {
		v := newVisit(t, srv, lang)
		v.get()
		v.answerFirst()
		v.answerFirst()
		v.post("/", url.Values{"cmd": {"help"}})
		help := env.Core.Content().Msgs.Text(lang, "q.emg_who", false, nil)
		if v.status != 200 || !strings.Contains(v.text(), help) {
			t.Errorf("%s: one tap on help did not reach the emergency screen (%q):\n%s", lang, help, v.text())
		}
		resume := env.Core.Content().Msgs.Text(lang, locales.BtnResume, false, nil)
		v.tap(resume)
		if strings.Contains(v.text(), help) {
			t.Errorf("%s: back to my check still shows the emergency screen", lang)
		}
	}
}

func TestLanguagePrivacyForget(t *testing.T) {
	srv, env := newServer(t, Options{})
	msgs := env.Core.Content().Msgs
	v := newVisit(t, srv, "id")
	v.get()
	v.answerFirst()
	v.post("/", url.Values{"cmd": {"language"}})
	if !strings.Contains(v.page, `<html lang="en">`) || !strings.Contains(v.text(), msgs.Text("en", locales.LanguageSet, false, nil)) {
		t.Fatalf("language did not switch:\n%s", v.text())
	}
	v.post("/", url.Values{"cmd": {"privacy"}})
	privacy := msgs.Text("en", locales.Privacy, false, map[string]any{"Kept": "3 days"})
	if first := strings.SplitN(privacy, ".", 2)[0]; !strings.Contains(v.text(), first) {
		t.Errorf("no privacy text (%q):\n%s", first, v.text())
	}
	if cookie := msgs.Text("en", locales.WebPrivacyWeb, false, nil); !strings.Contains(v.text(), cookie) {
		t.Errorf("the privacy page does not say what the cookie holds:\n%s", v.text())
	}
	if !strings.Contains(v.page, `id="continue"`) {
		t.Error("the privacy page has no way back to the check")
	}
	if n := len(env.Redis.Keys()); n != 1 {
		t.Fatalf("%d keys stored before forgetting, want 1: %v", n, env.Redis.Keys())
	}
	v.post("/", url.Values{"cmd": {"forget"}})
	if !strings.Contains(v.text(), strings.SplitN(msgs.Text("en", locales.Forgotten, false, nil), ":", 2)[0]) {
		t.Errorf("no confirmation:\n%s", v.text())
	}
	if keys := env.Redis.Keys(); len(keys) != 0 {
		t.Errorf("still stored after delete: %v", keys)
	}
	v.get()
	if !strings.Contains(v.text(), msgs.Text("id", "c.welcome.self", false, nil)) {
		t.Errorf("after delete the page is not a new welcome:\n%s", v.text())
	}
}

// TestTrail: after an answer the page shows it above the next question.
func TestTrail(t *testing.T) {
	srv, _ := newServer(t, Options{})
	v := newVisit(t, srv, "en")
	v.get()
	label := buttons(t, v.page)[0].label
	v.answerFirst()
	if !strings.Contains(v.page, `<div class="trail">`) || !strings.Contains(v.text(), label) {
		t.Errorf("no trail with %q above the next question:\n%s", label, v.text())
	}
}

func TestTypedText(t *testing.T) {
	srv, env := newServer(t, Options{})
	v := newVisit(t, srv, "en")
	v.get()
	v.post("/", url.Values{"text": {"/help"}})
	if help := env.Core.Content().Msgs.Text("en", "q.emg_who", false, nil); !strings.Contains(v.text(), help) {
		t.Errorf("typed /help did not reach the emergency screen:\n%s", v.text())
	}
}

func TestRateLimit(t *testing.T) {
	srv, _ := newServer(t, Options{Rate: 0.001, Burst: 3})
	for i := range 4 {
		resp, err := http.Get(srv.URL + "/s.css")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if i == 3 && (!strings.Contains(string(body), `href="tel:08001000"`) || !strings.Contains(string(body), `href="https://wa.me/`)) {
			t.Errorf("the 429 page does not link the emergency contacts:\n%s", body)
		}
		want := 200
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("request %d: status %d, want %d", i+1, resp.StatusCode, want)
		}
		if want == 429 && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
}

// outcomes records what the core tells observers.
// TestKiosk: the check is counted under the kiosk's campaign, the verdict
// ends with the Telegram QR code and the photo hint, and "next person"
// deletes the visit: its forms and pages lead nowhere afterwards.
// TestKioskHelpFromStart: the emergency button on a kiosk's start page
// reaches the emergency screen in one tap, and the visit counts under the
// kiosk's campaign.
// kioskCookie is the cookie a new visitor gets.
// decodeQR reads the QR code in a PNG, as a phone's camera would.
func TestNoSecret(t *testing.T) {
	if _, err := New(nil, Options{}); err == nil {
		t.Fatal("New without a secret: no error")
	}
}
