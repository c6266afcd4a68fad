package session

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestRecordFields pins what a stored record holds. A field added here
// must be named in the privacy text (ui.privacy in locales/*.yaml, checked
// by convo's TestPrivacySaysWhatIsKept) and the README's Privacy section.
func TestRecordFields(t *testing.T) {
	var got []string
	rt := reflect.TypeOf(record{})
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		got = append(got, name)
	}
	want := []string{"z", "st", "l", "n", "c", "d", "p", "u", "t"}
	if !slices.Equal(got, want) {
		t.Errorf("record fields %v, want %v: say what a new field keeps in ui.privacy and the README, then update this list", got, want)
	}
	var state []string
	st := reflect.TypeOf(storedState{})
	for i := range st.NumField() {
		name, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
		state = append(state, name)
	}
	if want := []string{"f", "v", "s", "a", "p", "g"}; !slices.Equal(state, want) {
		t.Errorf("stored state fields %v, want %v: say what a new field keeps in ui.privacy and the README", state, want)
	}
}
