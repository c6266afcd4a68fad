package tgfake

import (
	"testing"

	"github.com/selfcheck-id/selfcheck/internal/tglimit"
)

// TestLimitsAgreeWithTheBot: the limits the bot keeps to (tglimit) are the
// ones this fake enforces, written apart from the Bot API's documentation;
// a change to either fails here rather than in production.
func TestLimitsAgreeWithTheBot(t *testing.T) {
	for _, tc := range []struct {
		name      string
		bot, fake int
	}{
		{"message text", tglimit.Message, maxTextLen},
		{"callback answer text", tglimit.Toast, maxAnswerTextLen},
		{"callback data", tglimit.CallbackData, maxCallbackData},
		{"command description", tglimit.CommandDescription, maxCommandDescLen},
	} {
		if tc.bot != tc.fake {
			t.Errorf("%s: the bot keeps to %d, Telegram (the fake) allows %d", tc.name, tc.bot, tc.fake)
		}
	}
	for _, s := range []string{"", "abc", "é", "🙂", "a🙂b", "\U0001F1EE\U0001F1E9"} {
		if tglimit.Len(s) != utf16Len(s) {
			t.Errorf("%q: the bot counts %d, the fake %d", s, tglimit.Len(s), utf16Len(s))
		}
	}
}
