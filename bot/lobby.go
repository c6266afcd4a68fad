package bot

import (
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// The lobby holds /start messages of new chats (a flood of bare /start)
// that arrive while the bot has no room for them, instead of refusing
// them. Taps, messages of chats the bot is writing to, and campaign links
// (the QR code at an event) never wait there: they have room first.
//
// Why not refuse them, as other updates are: Telegram keeps a refused
// update and delivers it again later, and it delivers a bot's updates
// roughly in order, a few dozen at a time. Tens of thousands of refused
// /start would stand, at Telegram, in front of the taps of the people
// already in their checks, who would then wait minutes for their next
// question. Taken into the lobby, the flood leaves Telegram's queue at
// once; each first message costs the bot about a hundred bytes until it
// is its turn, which comes when the send queue has room (taps of checks
// under way go first: the lobby is let in only while the send queue is
// booked less than lobbyBacklog ahead).
//
// What such a chat sends before its turn waits behind its /start, whole
// (at most lobbyFollowUps in all): refused, it would stall long polling,
// which waits for an update to be taken before it fetches the next.
//
// A first message changed nothing yet: if the process stops before it is
// handled, the person saw no reply and nothing was stored, and sending
// /start again works (the stop logs how many were left).

// defaultLobby bounds the first messages waiting: about 100 bytes each,
// 50,000 is 5 MB, more than two 20,000-message floods. Beyond it they are
// refused (Telegram delivers them again).
const defaultLobby = 50_000

// lobbyText bounds the text a waiting /start may have (Telegram's payloads
// are at most 64 characters).
const lobbyText = 128

// lobbyBacklog is how far ahead the send queue may be booked for the
// lobby to be let in: below busyAfter, so that people in their checks,
// whose next questions queue behind, rarely wait long enough to be told
// to. Telegram's pace is kept full all the same (2s is 60 messages).
const lobbyBacklog = 2 * time.Second

// lobbyFollowUps bounds the whole updates waiting in the lobby behind
// their chat's /start (someone who writes or taps again before the
// welcome): kept whole, they are up to a few KB each. Beyond it such an
// update is refused and Telegram delivers it again.
const lobbyFollowUps = 1000

// lobbyEntry is what a first message needs to be handled: no name, no
// username, nothing else of the user. A follow-up is kept whole (full).
type lobbyEntry struct {
	update, chat int64
	message      int
	date         int
	lang, text   string
	full         *models.Update
}

// lobby is a first-in first-out queue of entries; the dispatcher guards it.
type lobby struct {
	entries []lobbyEntry
	head    int
	chats   map[int64]int // entries per chat: a chat's later updates wait behind its /start
	limit   int
	full    int // follow-ups kept whole, at most lobbyFollowUps
}

func newLobby(limit int) *lobby { return &lobby{chats: map[int64]int{}, limit: limit} }

func (l *lobby) len() int { return len(l.entries) - l.head }

// fits reports whether u is a message the lobby can hold while it has
// space: a /start in a private chat, from a user.
func (l *lobby) fits(u *models.Update) bool {
	m := u.Message
	return l.len() < l.limit && m != nil && m.From != nil && m.Chat.Type == models.ChatTypePrivate &&
		len(m.Text) <= lobbyText && isStart(m.Text)
}

// isStart reports whether text is the /start command, with or without a
// payload or the bot's name.
func isStart(text string) bool {
	rest, ok := strings.CutPrefix(text, "/start")
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '@')
}

func (l *lobby) push(u *models.Update) {
	m := u.Message
	lang := m.From.LanguageCode
	if len(lang) > 16 {
		lang = lang[:16] // a language tag; anything longer is not one
	}
	l.entries = append(l.entries, lobbyEntry{update: u.ID, chat: m.Chat.ID, message: m.ID, date: m.Date, lang: lang, text: m.Text})
	l.chats[m.Chat.ID]++
}

// follows reports whether one more update can wait behind its chat's
// /start.
func (l *lobby) follows() bool {
	return l.len() < l.limit && l.full < lobbyFollowUps
}

// pushFollowUp keeps u, whole, behind its chat's /start.
func (l *lobby) pushFollowUp(chat int64, u *models.Update) {
	l.entries = append(l.entries, lobbyEntry{update: u.ID, chat: chat, full: u})
	l.chats[chat]++
	l.full++
}

// peek rebuilds the first entry as the update it came as, with what the
// bot reads of it.
func (l *lobby) peek() *models.Update {
	e := l.entries[l.head]
	if e.full != nil {
		return e.full
	}
	return &models.Update{ID: e.update, Message: &models.Message{
		ID: e.message, Date: e.date, Text: e.text,
		Chat: models.Chat{ID: e.chat, Type: models.ChatTypePrivate},
		From: &models.User{ID: e.chat, LanguageCode: e.lang},
	}}
}

func (l *lobby) pop() {
	chat := l.entries[l.head].chat
	if l.entries[l.head].full != nil {
		l.full--
	}
	l.entries[l.head] = lobbyEntry{}
	l.head++
	if l.chats[chat]--; l.chats[chat] <= 0 {
		delete(l.chats, chat)
	}
	if l.head == len(l.entries) {
		l.entries, l.head = l.entries[:0], 0
	} else if l.head > 1024 && l.head > len(l.entries)/2 {
		l.entries = append(l.entries[:0], l.entries[l.head:]...)
		l.head = 0
	}
}

// clear empties the lobby and returns how many entries it held.
func (l *lobby) clear() int {
	n := l.len()
	l.entries, l.head, l.chats, l.full = nil, 0, map[int64]int{}, 0
	return n
}
