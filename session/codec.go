package session

import (
	"net/url"
	"strconv"
	"strings"
)

// The record as stored since schema 3: its fields in a fixed order,
// separated by '|', and a state's fields by ';':
//
//	3|<saved>|<update ids, comma-separated>|<lang>|<nonce>|<campaign>|<day>|<state>|<paused state or nothing>
//	state: <flow>;<version>;<step>;<answers>;<perspective>;<suggested>
//
// Every update reads and writes one record. As JSON (schemas 1 and 2) the
// decoding alone cost more than all the rest the core does for a tap
// (17 µs of reflection for a finished check, 25 allocations); this is a
// split and a few conversions. No field holds '|' or ';' (flow ids are
// [a-z0-9_]+, campaign names [A-Za-z0-9_-]), but the record does not rely
// on other packages' rules: '%', '|' and ';' are percent-escaped.

const (
	fieldSep = '|'
	stateSep = ';'
	// recordFields is how many '|'-separated fields a schema 3 record has.
	recordFields = 9
)

// appendRecord writes r in the schema 3 text form.
func appendRecord(b []byte, r record) []byte {
	b = strconv.AppendInt(b, int64(r.Schema), 10)
	b = append(b, fieldSep)
	b = strconv.AppendInt(b, r.Saved, 10)
	b = append(b, fieldSep)
	for i, id := range r.Updates {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	for _, s := range [...]string{r.Lang, r.Nonce, r.Campaign, r.Day} {
		b = append(b, fieldSep)
		b = appendEscaped(b, s)
	}
	b = append(b, fieldSep)
	b = appendState(b, r.State)
	b = append(b, fieldSep)
	if r.Paused != nil {
		b = appendState(b, *r.Paused)
	}
	return b
}

func appendState(b []byte, s storedState) []byte {
	b = appendEscaped(b, s.Flow)
	b = append(b, stateSep)
	b = strconv.AppendInt(b, int64(s.Version), 10)
	for _, f := range [...]string{s.Step, s.Answers, s.Perspective, s.Suggested} {
		b = append(b, stateSep)
		b = appendEscaped(b, f)
	}
	return b
}

// parseRecord reads a schema 3 record; ok is false for anything else.
func parseRecord(text string) (r record, ok bool) {
	f := strings.Split(text, string(fieldSep))
	if len(f) != recordFields || f[0] != "3" {
		return record{}, false
	}
	r.Schema = 3
	var err error
	if r.Saved, err = strconv.ParseInt(f[1], 10, 64); err != nil {
		return record{}, false
	}
	if f[2] != "" {
		for id := range strings.SplitSeq(f[2], ",") {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return record{}, false
			}
			r.Updates = append(r.Updates, n)
		}
	}
	for i, dst := range [...]*string{&r.Lang, &r.Nonce, &r.Campaign, &r.Day} {
		if *dst, ok = unescape(f[3+i]); !ok {
			return record{}, false
		}
	}
	if r.State, ok = parseState(f[7]); !ok {
		return record{}, false
	}
	if f[8] != "" {
		p, ok := parseState(f[8])
		if !ok {
			return record{}, false
		}
		r.Paused = &p
	}
	return r, true
}

func parseState(text string) (s storedState, ok bool) {
	f := strings.Split(text, string(stateSep))
	if len(f) != 6 {
		return storedState{}, false
	}
	v, err := strconv.Atoi(f[1])
	if err != nil {
		return storedState{}, false
	}
	s.Version = v
	for i, dst := range [...]*string{&s.Flow, nil, &s.Step, &s.Answers, &s.Perspective, &s.Suggested} {
		if dst == nil {
			continue
		}
		if *dst, ok = unescape(f[i]); !ok {
			return storedState{}, false
		}
	}
	return s, true
}

// appendEscaped writes s with '%', '|' and ';' percent-escaped.
func appendEscaped(b []byte, s string) []byte {
	if !strings.ContainsAny(s, "%|;") {
		return append(b, s...)
	}
	for i := range len(s) {
		switch c := s[i]; c {
		case '%', fieldSep, stateSep:
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		default:
			b = append(b, c)
		}
	}
	return b
}

func unescape(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	out, err := url.PathUnescape(s)
	return out, err == nil
}
