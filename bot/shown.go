package bot

import (
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

// shownMark identifies a message id with the text and buttons put in it:
// an FNV-1a hash of them, written out here so that it allocates nothing
// (it runs for every tap).
func shownMark(msgID int, r convo.Reply, trail string) uint64 {
	h := uint64(fnvOffset)
	for i := range 4 {
		h = (h ^ uint64(byte(msgID>>(8*i)))) * fnvPrime
	}
	for _, s := range [...]string{trail, r.Head, r.Body} {
		h = fnvString(h, s)
	}
	for _, row := range r.Buttons {
		h = (h ^ 1) * fnvPrime // a row
		for _, b := range row {
			h = fnvString(fnvString(fnvString(h, b.Label), b.Data), b.URL)
		}
	}
	return h
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvString adds s and a terminating zero byte to the hash h.
func fnvString(h uint64, s string) uint64 {
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h * fnvPrime // ^ 0
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
