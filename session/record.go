package session

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/selfcheck-id/selfcheck/flows"
)

// schema is the version of the stored record's shape (codec.go). Records
// of schemas 1 and 2 (JSON) are read and upgraded on their next save; any
// other is treated as absent, and the user is restarted politely.
const schema = 3

// recentUpdates is how many update ids a record remembers to recognise a
// re-delivered update. Telegram re-sends an update only until the bot
// acknowledges it, so a re-delivery comes long before eight newer updates
// of the same chat have been applied; anything older than a full window is
// taken as seen too (see window.seen), for as long as Telegram may retry.
const recentUpdates = 8

// retryWindow is how long Telegram keeps re-sending an update. After a
// chat has been quiet that long, its old ids say nothing about new ones:
// after a week without updates Telegram even picks the next id at random.
const retryWindow = 24 * time.Hour

// window is what a record knows of the updates applied to it.
type window struct {
	ids   []int64 // the last recentUpdates ids applied, sorted
	saved int64   // when the record was last saved, unix seconds
}

// seen reports whether update id was applied already: it is in the window,
// or, within retryWindow of the last save, older than every id of a full
// window (a re-delivery that late, or an update overtaken by eight newer
// ones, which would be stale anyway).
func (w window) seen(id int64, now time.Time) bool {
	if id == 0 {
		return false
	}
	if slices.Contains(w.ids, id) {
		return true
	}
	return w.recent(now) && len(w.ids) == recentUpdates && id < w.ids[0]
}

// recent reports whether the record was saved within retryWindow of now,
// so that its ids still say something about re-deliveries.
func (w window) recent(now time.Time) bool {
	return now.Unix()-w.saved < int64(retryWindow/time.Second)
}

// next is the window after applying update id (0 for none) at now. Ids of
// a chat quiet for longer than retryWindow are dropped first.
func (w window) next(id int64, now time.Time) window {
	var ids []int64
	if w.recent(now) {
		ids = slices.Clone(w.ids)
	}
	if id != 0 && !slices.Contains(ids, id) {
		ids = append(ids, id)
		slices.Sort(ids)
		if n := len(ids); n > recentUpdates {
			ids = ids[n-recentUpdates:]
		}
	}
	return window{ids: ids, saved: now.Unix()}
}

// record is a session as stored (codec.go writes it; schema 2 wrote it as
// JSON with these keys): answers in one string, because every stored byte
// is multiplied by every chat (the target is under 1 KiB per chat). It holds no chat id, name or text the user typed; only
// ids from the flow, a language, a campaign name and a day.
type record struct {
	Schema   int          `json:"z"`
	State    storedState  `json:"st"`
	Lang     string       `json:"l"`
	Nonce    string       `json:"n"`
	Campaign string       `json:"c,omitempty"`
	Day      string       `json:"d,omitempty"`
	Paused   *storedState `json:"p,omitempty"`
	// Updates are the ids of the last updates applied, oldest first, and
	// Saved when (unix seconds). They live in the record, not in a key of
	// their own, so that reading a session and checking for a re-delivery
	// is one command, and saving both is one write.
	Updates []int64 `json:"u,omitempty"`
	Saved   int64   `json:"t,omitempty"`
}

// storedState is a flows.State with its answers as "step:choice,...": ids
// are [a-z0-9_]+ (the flow validator enforces it), so neither separator
// can occur in them.
type storedState struct {
	Flow        string `json:"f"`
	Version     int    `json:"v"`
	Step        string `json:"s"`
	Answers     string `json:"a,omitempty"`
	Perspective string `json:"p,omitempty"`
	// Suggested answers read from a pasted message, the same way: only
	// step and choice ids, never the message's words.
	Suggested string `json:"g,omitempty"`
}

func storeState(st flows.State) storedState {
	var b strings.Builder
	b.Grow(len(st.Answers) * 24)
	for i, a := range st.Answers {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(a.Step)
		b.WriteByte(':')
		b.WriteString(a.Choice)
	}
	var g strings.Builder
	if len(st.Suggested) == 0 {
		return storedState{Flow: st.Flow, Version: st.Version, Step: st.Step, Answers: b.String(), Perspective: st.Perspective}
	}
	for i, step := range slices.Sorted(maps.Keys(st.Suggested)) {
		if i > 0 {
			g.WriteByte(',')
		}
		g.WriteString(step)
		g.WriteByte(':')
		g.WriteString(st.Suggested[step])
	}
	return storedState{Flow: st.Flow, Version: st.Version, Step: st.Step, Answers: b.String(), Perspective: st.Perspective, Suggested: g.String()}
}

func (s storedState) state() (flows.State, bool) {
	st := flows.State{Flow: s.Flow, Version: s.Version, Step: s.Step, Perspective: s.Perspective}
	for _, pair := range splitPairs(s.Answers) {
		step, choice, ok := strings.Cut(pair, ":")
		if !ok {
			return flows.State{}, false
		}
		st.Answers = append(st.Answers, flows.Answer{Step: step, Choice: choice})
	}
	for _, pair := range splitPairs(s.Suggested) {
		step, choice, ok := strings.Cut(pair, ":")
		if !ok {
			return flows.State{}, false
		}
		if st.Suggested == nil {
			st.Suggested = map[string]string{}
		}
		st.Suggested[step] = choice
	}
	return st, true
}

func splitPairs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func encode(s Session, w window) ([]byte, error) {
	return appendRecord(make([]byte, 0, 256), recordOf(s, w)), nil
}

func recordOf(s Session, w window) record {
	r := record{Schema: schema, State: storeState(s.State), Lang: s.Lang, Nonce: s.Nonce,
		Campaign: s.Campaign, Day: s.Day, Updates: w.ids, Saved: w.saved}
	if s.Paused != nil {
		p := storeState(*s.Paused)
		r.Paused = &p
	}
	return r
}

// decode returns ok=false for a record it cannot read or of an unknown
// schema. The update window comes back as well; legacy is set for a record
// of schema 1, whose seen ids are in a key of their own.
func decode(b []byte) (s Session, w window, legacy, ok bool) {
	var r record
	if len(b) > 0 && b[0] == '{' {
		// JSON: schema 2, or the first.
		if err := json.Unmarshal(b, &r); err != nil || r.Schema != 2 {
			var head struct {
				Schema int `json:"z"`
			}
			if json.Unmarshal(b, &head) == nil && head.Schema == 1 {
				s, ok := decodeV1(b)
				return s, window{}, true, ok
			}
			return Session{}, window{}, false, false
		}
	} else if r, ok = parseRecord(string(b)); !ok {
		return Session{}, window{}, false, false
	}
	st, ok := r.State.state()
	if !ok {
		return Session{}, window{}, false, false
	}
	s = Session{State: st, Lang: r.Lang, Nonce: r.Nonce, Campaign: r.Campaign, Day: r.Day}
	if r.Paused != nil {
		p, ok := r.Paused.state()
		if !ok {
			return Session{}, window{}, false, false
		}
		s.Paused = &p
	}
	return s, window{ids: r.Updates, saved: r.Saved}, false, true
}

// decodeV1 reads the first schema (answers as objects, seen update ids in
// a key of their own, which expires by itself), so that conversations
// running when the bot is upgraded go on where they were.
func decodeV1(b []byte) (Session, bool) {
	type stateV1 struct {
		Flow        string         `json:"f"`
		Version     int            `json:"v"`
		Step        string         `json:"s"`
		Answers     []flows.Answer `json:"a"`
		Perspective string         `json:"p"`
	}
	var r struct {
		State    stateV1  `json:"st"`
		Lang     string   `json:"l"`
		Nonce    string   `json:"n"`
		Campaign string   `json:"c"`
		Day      string   `json:"d"`
		Paused   *stateV1 `json:"p"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return Session{}, false
	}
	v2 := func(st stateV1) flows.State {
		return flows.State{Flow: st.Flow, Version: st.Version, Step: st.Step, Answers: st.Answers, Perspective: st.Perspective}
	}
	s := Session{State: v2(r.State), Lang: r.Lang, Nonce: r.Nonce, Campaign: r.Campaign, Day: r.Day}
	if r.Paused != nil {
		p := v2(*r.Paused)
		s.Paused = &p
	}
	return s, true
}
