package bot

import (
	"hash/fnv"
	"sync"

	"github.com/selfcheck-id/selfcheck/convo"
)

// shownScreens remembers, in memory, what each chat's latest in-place edit
// put in which message, so that a double tap (whose screen the core sends
// again, see convo.Response.Resent) costs no Bot API call, and no 400
// "message is not modified". It is consulted for re-sent screens only: any
// other change is made whatever it remembers (another replica may have
// edited the message since); a re-sent screen it does not remember is
// edited, and a 400 then is harmless.
type shownScreens struct {
	mu    sync.Mutex
	marks map[int64]uint64
}

// shownMark identifies a message id with the text and buttons put in it.
func shownMark(msgID int, r convo.Reply, trail string) uint64 {
	h := fnv.New64a()
	h.Write([]byte{byte(msgID), byte(msgID >> 8), byte(msgID >> 16), byte(msgID >> 24)})
	h.Write([]byte(formatHTML(r, trail)))
	for _, row := range r.Buttons {
		for _, b := range row {
			h.Write([]byte{0})
			h.Write([]byte(b.Label + "\x00" + b.Data + "\x00" + b.URL))
		}
	}
	return h.Sum64()
}

func (s *shownScreens) is(chat int64, mark uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.marks[chat]
	return ok && m == mark
}

func (s *shownScreens) set(chat int64, mark uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.marks == nil || len(s.marks) >= maxPacedChats {
		s.marks = map[int64]uint64{} // a memory, not a record: start over
	}
	s.marks[chat] = mark
}
