package session

import (
	"reflect"
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
)

// TestRecordRoundTrip: every field of the record survives the schema 3
// text form, including values holding its separators and escapes (which
// the flow's ids never do, but the codec does not rely on it).
func TestRecordRoundTrip(t *testing.T) {
	full := Session{Lang: "id", Nonce: "ab12cd34", Campaign: "sma1|x;y%z", Day: "2026-12-01",
		State: flows.State{Flow: "offer-check", Version: 3, Step: "job", Perspective: "other",
			Answers:   []flows.Answer{{Step: "start", Choice: "other"}, {Step: "dest", Choice: "kh"}},
			Suggested: map[string]string{"pay": "high", "visa": "tourist"}},
		Paused: &flows.State{Flow: "offer-check", Version: 3, Step: "dest",
			Answers: []flows.Answer{{Step: "start", Choice: "self"}}}}
	w := window{ids: []int64{101, 102, 9000000000}, saved: 1796617639}
	for _, tc := range []struct {
		name string
		s    Session
		w    window
	}{
		{"every field", full, w},
		{"new chat", Session{Lang: "en", Nonce: "n"}, window{saved: 1}},
		{"an empty paused check", Session{Lang: "en", Paused: &flows.State{}}, window{saved: 1}},
	} {
		data, err := encode(tc.s, tc.w)
		if err != nil {
			t.Fatal(err)
		}
		s, w, legacy, ok := decode(data)
		if !ok || legacy {
			t.Fatalf("%s: %q not read back", tc.name, data)
		}
		if !reflect.DeepEqual(s, tc.s) || !reflect.DeepEqual(w, tc.w) {
			t.Errorf("%s: %q read back as\n%+v %+v\nwant\n%+v %+v", tc.name, data, s, w, tc.s, tc.w)
		}
	}
	// Each field of the record is written: a field added to record but not
	// to the codec would come back empty here.
	r, ok := parseRecord(string(appendRecord(nil, recordOf(full, w))))
	if !ok {
		t.Fatal("not parsed")
	}
	rv := reflect.ValueOf(r)
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() {
			t.Errorf("record field %s is not written by the codec", rv.Type().Field(i).Name)
		}
	}
	sv := reflect.ValueOf(r.State)
	for i := range sv.NumField() {
		if sv.Field(i).IsZero() {
			t.Errorf("stored state field %s is not written by the codec", sv.Type().Field(i).Name)
		}
	}
}

// TestSchema2IsRead: a record saved as JSON by schema 2 is read whole, and
// saved back in schema 3.
func TestSchema2IsRead(t *testing.T) {
	v2 := `{"z":2,"st":{"f":"offer-check","v":2,"s":"job","a":"start:self,dest:kh","g":"pay:high"},"l":"id","n":"ab12cd34",` +
		`"c":"fair","d":"2026-11-20","p":{"f":"offer-check","v":2,"s":"dest","a":"start:other","p":"other"},"u":[76,77],"t":1796617639}`
	s, w, legacy, ok := decode([]byte(v2))
	if !ok || legacy {
		t.Fatal("schema 2 record not read")
	}
	want := Session{Lang: "id", Nonce: "ab12cd34", Campaign: "fair", Day: "2026-11-20",
		State: flows.State{Flow: "offer-check", Version: 2, Step: "job",
			Answers:   []flows.Answer{{Step: "start", Choice: "self"}, {Step: "dest", Choice: "kh"}},
			Suggested: map[string]string{"pay": "high"}},
		Paused: &flows.State{Flow: "offer-check", Version: 2, Step: "dest", Answers: []flows.Answer{{Step: "start", Choice: "other"}}, Perspective: "other"}}
	if !reflect.DeepEqual(s, want) || !reflect.DeepEqual(w, window{ids: []int64{76, 77}, saved: 1796617639}) {
		t.Fatalf("schema 2 read as\n%+v %+v\nwant\n%+v", s, w, want)
	}
	data, _ := encode(s, w)
	if again, _, _, ok := decode(data); !ok || !reflect.DeepEqual(again, want) || data[0] != '3' {
		t.Errorf("saved back as %q", data)
	}
}
