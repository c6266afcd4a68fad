package campaign_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/selfcheck-id/selfcheck/campaign"
)

func TestPayloadRoundTrip(t *testing.T) {
	tests := []struct {
		name, lang, want string
	}{
		{"jobfair_2026", "", "jobfair_2026"},
		{"sma-3-lombok", "id", "sma-3-lombok-id"},
		{"poster", "en", "poster-en"},
		{strings.Repeat("a", 61), "en", strings.Repeat("a", 61) + "-en"},
	}
	for _, tt := range tests {
		p, err := campaign.Payload(tt.name, tt.lang)
		if err != nil || p != tt.want {
			t.Errorf("Payload(%q, %q) = %q, %v; want %q", tt.name, tt.lang, p, err, tt.want)
			continue
		}
		if name, lang := campaign.Parse(p); name != tt.name || lang != tt.lang {
			t.Errorf("Parse(%q) = %q, %q", p, name, lang)
		}
	}
	for _, bad := range []struct{ name, lang string }{
		{"", ""}, {"has space", ""}, {"ümlaut", ""}, {strings.Repeat("a", 65), ""},
		{strings.Repeat("a", 62), "en"}, {"ok", "fr"}, {"fair-id", ""}, {"fair-en", "id"}, {"direct", ""}, {"other", "en"},
	} {
		if p, err := campaign.Payload(bad.name, bad.lang); err == nil {
			t.Errorf("Payload(%q, %q) = %q, want an error", bad.name, bad.lang, p)
		}
	}
	if name, lang := campaign.Parse("<script>"); name != "" || lang != "" {
		t.Errorf("Parse of junk = %q, %q", name, lang)
	}
}

func TestQRDecodesToTheLink(t *testing.T) {
	link := campaign.Link("selfcheck_test_bot", "jobfair_2026-id")
	var buf bytes.Buffer
	if err := campaign.QR(&buf, link, 512); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	if res.GetText() != link {
		t.Errorf("decoded %q, want %q", res.GetText(), link)
	}
}
