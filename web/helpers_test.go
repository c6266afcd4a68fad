package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
)

// newServer serves the shipped flows on a fresh miniredis.
func newServer(t *testing.T, opt Options) (*httptest.Server, *testcore.Env) {
	t.Helper()
	env := testcore.New(t, convo.Embedded)
	if opt.Rate == 0 {
		// Every test's client is 127.0.0.1, faster than any person.
		opt.Rate, opt.Burst = 1e6, 1e6
	}
	if opt.Secret == nil {
		opt.Secret = []byte("test secret")
	}
	s, err := New(env.Core, opt)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, env
}

// visit is one browser without JavaScript: a cookie jar and the last page.
type visit struct {
	t      *testing.T
	srv    *httptest.Server
	c      *http.Client
	lang   string
	status int
	page   string
}

func newVisit(t *testing.T, srv *httptest.Server, lang string) *visit {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	return &visit{t: t, srv: srv, c: c, lang: lang}
}

func (v *visit) do(req *http.Request) {
	v.t.Helper()
	req.Header.Set("Accept-Language", v.lang)
	resp, err := v.c.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	v.status, v.page = resp.StatusCode, string(b)
}

func (v *visit) get() {
	v.t.Helper()
	req, _ := http.NewRequest("GET", v.srv.URL+"/", nil)
	v.do(req)
}

// post sends form values as the page's forms do (with the page's token
// unless the values hold one).
func (v *visit) post(path string, vals url.Values) {
	v.t.Helper()
	if _, ok := vals["t"]; !ok {
		vals.Set("t", v.token())
	}
	req, _ := http.NewRequest("POST", v.srv.URL+path, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v.do(req)
}

var tokenRe = regexp.MustCompile(`name="t" value="([^"]+)"`)

func (v *visit) token() string {
	m := tokenRe.FindStringSubmatch(v.page)
	if m == nil {
		v.t.Fatalf("no form token on the page:\n%s", v.page)
	}
	return m[1]
}

// button is the data of the button labelled label on the page.
func (v *visit) button(label string) string {
	v.t.Helper()
	for _, b := range buttons(v.t, v.page) {
		if b.label == label {
			return b.data
		}
	}
	v.t.Fatalf("no button %q on the page; buttons: %v", label, buttons(v.t, v.page))
	return ""
}

// tap presses the button labelled label.
func (v *visit) tap(label string) {
	v.t.Helper()
	v.post("/", url.Values{"d": {v.button(label)}})
}

type btn struct{ label, data string }

// buttons lists the page's answer buttons (name="d"), parsed as a browser
// would.
func buttons(t *testing.T, page string) []btn {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []btn
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "button" && attr(n, "name") == "d" {
			out = append(out, btn{textOf(n), attr(n, "value")})
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// text is the page's visible text, one line per block.
func (v *visit) text() string {
	doc, err := html.Parse(strings.NewReader(v.page))
	if err != nil {
		v.t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "head" || n.Data == "script" || n.Data == "style" || attr(n, "hidden") != "" || hasAttr(n, "hidden")) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "p", "li", "h1", "h2", "button", "a", "label", "figcaption", "br":
				b.WriteString("\n")
			}
		}
	}
	walk(doc)
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}
