package convo_test

import (
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
)

// TestPrivacySaysWhatIsKept: /privacy in the shipped messages names
// everything a session record keeps (session/record.go; its fields are
// pinned by session's TestRecordFields): the answers, the language, the
// campaign, the day, the time of the last save, the last update ids and
// the buttons' random code; and that blocking the bot deletes it.
func TestPrivacySaysWhatIsKept(t *testing.T) {
	env := testcore.New(t, convo.Embedded)
	h := &harness{t: t, core: env.Core, m: env.Redis, chat: 77}
	for lang, kept := range map[string][]string{
		"en": {"answers", "language", "campaign", "day the check started", "time you last wrote or tapped",
			"last eight messages or taps", "random code", "block the bot"},
		"id": {"jawaban", "bahasa", "kampanye", "hari cek dimulai", "waktu terakhir kamu menulis atau menekan tombol",
			"delapan pesan atau tombol terakhir", "kode acak", "memblokir bot"},
	} {
		got := text(h.send(convo.Request{Kind: convo.KindCommand, Command: "privacy", LangHint: lang}))
		for _, k := range kept {
			if !strings.Contains(got, k) {
				t.Errorf("%s /privacy does not say %q is kept:\n%s", lang, k, got)
			}
		}
	}
}
