// Package session keeps each chat's conversation state in Redis: one small
// record per chat, keyed by a keyed hash of the chat id, written with a
// compare-and-set so that two replicas never lose or double-apply an answer.
package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/selfcheck-id/selfcheck/flows"
)

// Session is everything stored about one chat. It holds no name, username,
// phone number or chat id.
type Session struct {
	State flows.State
	Lang  string
	// Nonce changes at every (re)start; buttons carry it so that a button
	// from an earlier check is recognised as stale.
	Nonce    string
	Campaign string
	// Day the check started (YYYY-MM-DD): statistics count per day, no finer.
	Day string
	// Paused is the check the emergency path interrupted (/help or the
	// help button mid-check), so that no answer is lost: the user can go
	// back to it from the emergency screens.
	Paused *flows.State
}

// Chat identifies one chat in storage: a keyed hash of its id.
type Chat struct {
	hash string
}

// Keyer turns chat ids into storage keys. Without the secret, keys cannot be
// linked back to chat ids.
type Keyer struct{ secret []byte }

// NewKeyer returns a Keyer for the secret (SESSION_KEY).
func NewKeyer(secret []byte) Keyer { return Keyer{secret: secret} }

// Chat returns the storage identity of a chat id.
func (k Keyer) Chat(chatID int64) Chat {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(strconv.FormatInt(chatID, 10)))
	return Chat{hash: hex.EncodeToString(m.Sum(nil)[:16])}
}

// ChatIn returns the storage identity of a chat id in space: each bot of
// several has its own chats (a person's chat with another bot is another
// chat, with update ids of its own). Space "" is Chat's.
func (k Keyer) ChatIn(space string, chatID int64) Chat {
	if space == "" {
		return k.Chat(chatID)
	}
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("bot:" + space + ":" + strconv.FormatInt(chatID, 10)))
	return Chat{hash: hex.EncodeToString(m.Sum(nil)[:16])}
}

// Visitor returns the storage identity of a web visitor's random id. The
// prefix keeps it apart from every chat id: a decimal number never hashes
// the same text.
func (k Keyer) Visitor(id string) Chat {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("web:" + id))
	return Chat{hash: hex.EncodeToString(m.Sum(nil)[:16])}
}

// LogID is a short prefix of the hash: enough to follow one conversation in
// the logs, useless to find the person.
func (c Chat) LogID() string { return c.hash[:8] }

func (c Chat) sessionKey() string { return "sc:{" + c.hash + "}:s" }

// legacySeenKey held schema 1's seen update ids.
func (c Chat) legacySeenKey() string { return "sc:{" + c.hash + "}:u" }
