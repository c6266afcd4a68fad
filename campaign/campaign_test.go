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

const testKey = "0123456789abcdef0123456789abcdef"

func TestPayloadRoundTrip(t *testing.T) {
	keys := campaign.NewKeys(testKey)
	tests := []struct{ name, lang string }{
		{"jobfair_2026", ""},
		{"sma-3-lombok", "id"},
		{"poster", "en"},
		{"event-2026-11-01", ""},
		{strings.Repeat("a", campaign.MaxName), "en"},
	}
	for _, tt := range tests {
		p, err := keys.Payload(tt.name, tt.lang)
		if err != nil || len(p) > 64 || !strings.HasPrefix(p, tt.name+"-") {
			t.Errorf("Payload(%q, %q) = %q, %v", tt.name, tt.lang, p, err)
			continue
		}
		code, lang := campaign.Parse(p)
		if lang != tt.lang {
			t.Errorf("Parse(%q): language %q, want %q", p, lang, tt.lang)
		}
		if name, ok := keys.Verify(code); !ok || name != tt.name {
			t.Errorf("Verify(%q) = %q, %v; want %q", code, name, ok, tt.name)
		}
	}
	for _, bad := range []struct{ name, lang string }{
		{"", ""}, {"has space", ""}, {"ümlaut", ""}, {strings.Repeat("a", campaign.MaxName+1), ""},
		{"ok", "fr"}, {"fair-id", ""}, {"fair-en", "id"}, {"direct", ""}, {"other", "en"}, {"group", ""},
		{"siti_rahayu_081234567890", ""}, {"3201234567890001", ""}, {"wa-0812-3456-7890", "id"}, {"62812345678", ""},
	} {
		if p, err := keys.Payload(bad.name, bad.lang); err == nil {
			t.Errorf("Payload(%q, %q) = %q, want an error", bad.name, bad.lang, p)
		}
	}
	if p, err := campaign.NewKeys("").Payload("fair", ""); err == nil {
		t.Errorf("a payload without a key: %q", p)
	}
	if name, lang := campaign.Parse("<script>"); name != "" || lang != "" {
		t.Errorf("Parse of junk = %q, %q", name, lang)
	}
}

// TestOnlySignedNamesVerify: a typed name, a name with another name's
// signature, a signature made with another key, or any name without a key
// is not a campaign.
func TestOnlySignedNamesVerify(t *testing.T) {
	keys := campaign.NewKeys(testKey)
	fair, _ := keys.Payload("fair", "")
	other, _ := campaign.NewKeys(strings.Repeat("z", 32)).Payload("fair", "")
	sig := fair[len("fair-"):]
	for _, code := range []string{
		"fair", "siti_rahayu_081234567890", "fair-" + strings.Repeat("a", campaign.SigLen), "fairs-" + sig,
		other, "-" + sig, sig, "",
	} {
		if name, ok := keys.Verify(code); ok {
			t.Errorf("Verify(%q) = %q: not signed with the key", code, name)
		}
	}
	if _, ok := campaign.NewKeys("").Verify(fair); ok {
		t.Error("verified without a key")
	}
	if name, ok := keys.Verify(fair); !ok || name != "fair" {
		t.Errorf("Verify(%q) = %q, %v", fair, name, ok)
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

// TestLinks: every t.me link is made by Link and ShareLink.
func TestLinks(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{campaign.Link("b_bot", ""), "https://t.me/b_bot"},
		{campaign.Link("b_bot", "fair-abc-en"), "https://t.me/b_bot?start=fair-abc-en"},
		{campaign.ShareLink("https://t.me/b_bot"), "https://t.me/share/url?url=https%3A%2F%2Ft.me%2Fb_bot"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
