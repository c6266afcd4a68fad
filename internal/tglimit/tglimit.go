// Package tglimit holds Telegram's limits on what a bot sends, and counts
// text as Telegram does: in UTF-16 code units, so an emoji or another
// character outside the Basic Multilingual Plane counts two. Counting runes
// instead lets a text through that Telegram refuses.
//
// internal/testkit/tgfake keeps its own copy of these numbers on purpose: it is
// the oracle the bot is tested against, written from the Bot API's
// documentation, and a mistake here must not be copied into it.
package tglimit

import "unicode/utf16"

const (
	// Message is the longest text of one message, after entity parsing.
	Message = 4096
	// Toast is the longest text of an answerCallbackQuery notice.
	Toast = 200
	// CallbackData is the longest callback data of a button, in bytes.
	CallbackData = 64
	// CommandDescription is the longest description in setMyCommands.
	CommandDescription = 256
)

// Len is the length of s as Telegram counts it: UTF-16 code units.
func Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Truncate cuts s to at most n UTF-16 code units, ending with "…" when
// anything was cut; it never splits a character.
func Truncate(s string, n int) string {
	if Len(s) <= n {
		return s
	}
	used := 1 // the ellipsis
	for i, r := range s {
		if used+utf16.RuneLen(r) > n {
			return s[:i] + "…"
		}
		used += utf16.RuneLen(r)
	}
	return s
}
