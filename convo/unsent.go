package convo

import (
	"context"
	"sync"

	"github.com/selfcheck-id/selfcheck/session"
)

// MarkUnsent notes that the replies to the chat's last request could not
// be delivered (the channel gave up, or shut down before sending them):
// its next request shows the current screen again instead of building on
// what the user never saw. It is kept in storage, so it holds across a
// restart; and in memory, in case storage is what failed.
func (c *Core) MarkUnsent(ctx context.Context, chatID int64) error {
	return Spaced{Core: c}.MarkUnsent(ctx, chatID)
}

// Spaced is the core as one channel account of several sees it (one bot
// of several tokens): its chats are its own. A person's chat with another
// bot is another chat, and Telegram numbers each bot's updates apart.
type Spaced struct {
	*Core
	Space string
}

// Handle handles req in the account's space.
func (s Spaced) Handle(ctx context.Context, req Request) Response {
	req.Space = s.Space
	return s.Core.Handle(ctx, req)
}

// Forget deletes what is stored about the account's chat.
func (s Spaced) Forget(ctx context.Context, chatID int64) error {
	return s.store.Forget(ctx, s.keyer.ChatIn(s.Space, chatID))
}

// MarkUnsent is Core.MarkUnsent for the account's chat.
func (s Spaced) MarkUnsent(ctx context.Context, chatID int64) error {
	chat := s.keyer.ChatIn(s.Space, chatID)
	s.unsure.add(chat)
	return s.store.MarkUnsent(ctx, chat)
}

// maxUnsure bounds the chats remembered in memory as unsure. Past it the
// memory starts over: storage keeps the mark too, and the rest is a
// convenience for when storage failed.
const maxUnsure = 4096

// unsureChats remembers, in memory, chats whose last reply may not have
// reached them: a save whose outcome is unknown (Redis timed out while the
// write may have landed), or a delivery that failed.
type unsureChats struct {
	mu    sync.Mutex
	chats map[session.Chat]struct{}
}

func (u *unsureChats) add(c session.Chat) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.chats == nil || len(u.chats) >= maxUnsure {
		u.chats = map[session.Chat]struct{}{}
	}
	u.chats[c] = struct{}{}
}

func (u *unsureChats) has(c session.Chat) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, ok := u.chats[c]
	return ok
}

func (u *unsureChats) remove(c session.Chat) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.chats, c)
}
