package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
)

// BenchmarkVerdictPage serves the longest page, a verdict, to a visitor
// whose check is there: the session's load and save (miniredis) and the
// rendering. Numbers: docs/web.md.
func BenchmarkVerdictPage(b *testing.B) {
	env := testcore.New(b, convo.Embedded)
	s, err := New(env.Core, Options{Secret: []byte("k"), Rate: 1e9, Burst: 1e9})
	if err != nil {
		b.Fatal(err)
	}
	// Walk to the verdict through the handler, answering the first choice.
	get := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, get)
	cookie := w.Result().Cookies()[0]
	page := w.Body.String()
	for range 60 {
		m := tokenRe.FindStringSubmatch(page)
		i := strings.Index(page, `name="d" value="a:`)
		if i < 0 {
			break
		}
		data := page[i+len(`name="d" value="`):]
		data = data[:strings.IndexByte(data, '"')]
		form := url.Values{"d": {data}, "t": {m[1]}}
		req := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		w = httptest.NewRecorder()
		s.ServeHTTP(w, req)
		page = w.Body.String()
	}
	b.ReportAllocs()
	b.ResetTimer()
	size := 0
	for b.Loop() {
		req := httptest.NewRequest("GET", "/", nil)
		req.AddCookie(cookie)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
		size = w.Body.Len()
	}
	b.ReportMetric(float64(size), "page-bytes")
}
