// Package session keeps each chat's conversation state in Redis: one small
// record per chat, keyed by a keyed hash of the chat id, written with a
// compare-and-set so that two replicas never lose or double-apply an answer.
package session

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"sync"

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
// linked back to chat ids. Its zero value is not usable: use NewKeyer.
type Keyer struct {
	// macs are HMACs keyed with the secret, kept for reuse: every update
	// hashes its chat id, and a new HMAC hashes the key twice more and
	// allocates, which was a tenth of the core's own work per tap.
	macs *sync.Pool
}

// NewKeyer returns a Keyer for the secret (SESSION_KEY).
func NewKeyer(secret []byte) Keyer {
	secret = bytes.Clone(secret)
	return Keyer{macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, secret) }}}
}

// hash is the storage identity of text: the first 16 bytes of its HMAC,
// in hex.
func (k Keyer) hash(parts ...string) Chat {
	m := k.macs.Get().(hash.Hash)
	defer k.macs.Put(m)
	m.Reset()
	for _, p := range parts {
		m.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return Chat{hash: hex.EncodeToString(m.Sum(sum[:0])[:16])}
}

// Chat returns the storage identity of a chat id.
func (k Keyer) Chat(chatID int64) Chat {
	return k.hash(strconv.FormatInt(chatID, 10))
}

// ChatIn returns the storage identity of a chat id in space: each bot of
// several has its own chats (a person's chat with another bot is another
// chat, with update ids of its own). Space "" is Chat's.
func (k Keyer) ChatIn(space string, chatID int64) Chat {
	if space == "" {
		return k.Chat(chatID)
	}
	return k.hash("bot:", space, ":", strconv.FormatInt(chatID, 10))
}

// Visitor returns the storage identity of a web visitor's random id. The
// prefix keeps it apart from every chat id: a decimal number never hashes
// the same text.
func (k Keyer) Visitor(id string) Chat {
	return k.hash("web:", id)
}

// LogID is a short prefix of the hash: enough to follow one conversation in
// the logs, useless to find the person.
func (c Chat) LogID() string { return c.hash[:8] }

func (c Chat) sessionKey() string { return "sc:{" + c.hash + "}:s" }

// legacySeenKey held schema 1's seen update ids.
func (c Chat) legacySeenKey() string { return "sc:{" + c.hash + "}:u" }
