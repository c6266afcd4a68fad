package web

import (
	"context"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/locales"
)

type outcomes struct {
	mu   sync.Mutex
	list []convo.Outcome
}

func (o *outcomes) Observe(_ context.Context, oc convo.Outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, oc)
}

func TestKiosk(t *testing.T) {
	srv, env := newServer(t, Options{Kiosk: true, Idle: 45 * time.Second, Start: "booth1", TelegramLink: "https://t.me/example_bot?start=booth1"})
	var seen outcomes
	env.Core.Observe(&seen)
	msgs := env.Core.Content().Msgs
	v := newVisit(t, srv, "en")
	v.get()
	if !strings.Contains(v.page, `id="start"`) || strings.Contains(v.page, "data-idle") || len(env.Redis.Keys()) != 0 {
		t.Fatalf("a kiosk's first page is not its start button (and nothing stored):\n%s", v.text())
	}
	v.post("/", url.Values{"cmd": {"start"}})
	if !strings.Contains(v.page, `data-idle="45"`) || !strings.Contains(v.page, `src="/k.js"`) {
		t.Fatalf("kiosk page without its timer:\n%.600s", v.page)
	}
	if !strings.Contains(v.page, `<span id="idle-n">45</span>`) {
		t.Error("no countdown number in the idle notice")
	}
	for v.answerFirst() {
	}
	text := v.text()
	for _, id := range []string{locales.WebKioskPhoto, locales.WebKioskTelegram, locales.WebKioskDone} {
		if !strings.Contains(text, msgs.Text("en", id, false, nil)) {
			t.Errorf("verdict without %s:\n%s", id, text)
		}
	}
	if got := decodeQR(t, mustGet(t, srv.URL+"/qr.png")); got != "https://t.me/example_bot?start=booth1" {
		t.Errorf("the QR code leads to %q", got)
	}
	seen.mu.Lock()
	for _, o := range seen.list {
		if o.Campaign != "booth1" {
			t.Errorf("outcome counted under %q, want booth1", o.Campaign)
		}
	}
	seen.mu.Unlock()
	if len(seen.list) == 0 {
		t.Fatal("no outcomes observed")
	}
	verdict, oldToken := v.page, v.token()
	v.post("/reset", url.Values{})
	if keys := env.Redis.Keys(); len(keys) != 0 {
		t.Errorf("after reset: %d keys, want none: %v", len(keys), keys)
	}
	if !strings.Contains(v.page, `id="start"`) {
		t.Fatalf("reset did not lead to the start button:\n%s", v.text())
	}
	// The previous visitor's form, sent again (browser back, then a tap).
	back := buttons(t, verdict)[0].data
	v.post("/", url.Values{"d": {back}, "t": {oldToken}})
	if v.status != http.StatusForbidden || strings.Contains(v.text(), msgs.Text("en", locales.VerdictContact, false, nil)) {
		t.Errorf("an old form after reset: status %d, page:\n%s", v.status, v.text())
	}
	if keys := env.Redis.Keys(); len(keys) != 0 {
		t.Errorf("an old form after reset started a check: %v", keys)
	}
	if c := kioskCookie(t, srv.URL); c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("the kiosk's cookie outlives the browser: %+v", c)
	}
}

func TestKioskHelpFromStart(t *testing.T) {
	srv, env := newServer(t, Options{Kiosk: true, Start: "booth1"})
	var seen outcomes
	env.Core.Observe(&seen)
	v := newVisit(t, srv, "id")
	v.get()
	v.post("/", url.Values{"cmd": {"help"}})
	if help := env.Core.Content().Msgs.Text("id", "q.emg_who", false, nil); !strings.Contains(v.text(), help) {
		t.Fatalf("help from the start page:\n%s", v.text())
	}
	seen.mu.Lock()
	defer seen.mu.Unlock()
	if len(seen.list) == 0 {
		t.Fatal("nothing counted")
	}
	for _, o := range seen.list {
		if o.Campaign != "booth1" {
			t.Errorf("counted under %q, want booth1", o.Campaign)
		}
	}
}

func kioskCookie(t *testing.T, u string) *http.Cookie {
	t.Helper()
	resp, err := http.Get(u + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cs := resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("cookies %v", cs)
	}
	return cs[0]
}

func decodeQR(t *testing.T, data string) string {
	t.Helper()
	img, err := png.Decode(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}
