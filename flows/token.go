package flows

import (
	"strings"

	"github.com/selfcheck-id/selfcheck/internal/tglimit"
)

// MaxTokenBytes is Telegram's limit on callback data.
const MaxTokenBytes = tglimit.CallbackData

// NonceLen is the length of a session nonce in a token.
const NonceLen = 8

// TokenKind says what a button does.
type TokenKind byte

const (
	TokAnswer   TokenKind = 'a' // choose Choice at Step
	TokBack     TokenKind = 'b'
	TokRestart  TokenKind = 'r'
	TokHelp     TokenKind = 'h'
	TokLanguage TokenKind = 'l' // Arg is the language code
	TokResume   TokenKind = 'c' // back to the check the emergency path interrupted
)

// The Choice of a TokRestart token: ask first (from a question: answers
// would be lost), or the answer to that question. An empty one (buttons
// sent before the question was asked) restarts.
const (
	RestartAsk = "ask"
	RestartYes = "yes"
	RestartNo  = "no"
)

// Token is what a button carries back: enough to tell a fresh tap from a
// stale or forged one (the session's nonce and the question it belongs to),
// and nothing personal. It is untrusted input when it comes back.
type Token struct {
	Kind   TokenKind
	Nonce  string
	Step   string
	Choice string // or the language code for TokLanguage
}

// Encode writes the token as "k:nonce:step:choice".
func (t Token) Encode() string {
	return string(t.Kind) + ":" + t.Nonce + ":" + t.Step + ":" + t.Choice
}

// ParseToken reads a token; ok is false for anything malformed.
func ParseToken(s string) (t Token, ok bool) {
	if len(s) > MaxTokenBytes {
		return t, false
	}
	parts := strings.Split(s, ":")
	if len(parts) != 4 || len(parts[0]) != 1 {
		return t, false
	}
	t = Token{Kind: TokenKind(parts[0][0]), Nonce: parts[1], Step: parts[2], Choice: parts[3]}
	switch t.Kind {
	case TokAnswer, TokBack, TokRestart, TokHelp, TokLanguage, TokResume:
		return t, true
	}
	return Token{}, false
}

// answerTokenLen is the length of the longest answer token for a choice, for
// validation: the nonce is at most NonceLen.
func answerTokenLen(step, choice string) int {
	return len(Token{Kind: TokAnswer, Nonce: strings.Repeat("x", NonceLen), Step: step, Choice: choice}.Encode())
}
