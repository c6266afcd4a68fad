package listen

import (
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/selfcheck-id/selfcheck/flows"
)

// shippedRules loads the shipped flow and its reading rules.
func shippedRules(t *testing.T) (*Rules, *flows.Flow) {
	t.Helper()
	set, ps := flows.Load(flows.Files, ".")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	f := set.Flows["offer-check"]
	r, ps := Parse(set.ListenFile, set.Listen, f)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	return r, f
}

// TestChoiceNumbersReadAsNothing: Read's shortcut for a choice number
// gives what reading it in full gives, for every one.
func TestChoiceNumbersReadAsNothing(t *testing.T) {
	r, f := shippedRules(t)
	for n := range 1000 {
		for _, text := range []string{strconv.Itoa(n), "0" + strconv.Itoa(n)} {
			if !isChoiceNumber(text) {
				continue
			}
			if got, want := r.Read(text, f), r.read(text, f); !reflect.DeepEqual(got, want) {
				t.Errorf("Read(%q) = %+v, read in full %+v", text, got, want)
			}
		}
	}
	for _, text := range []string{"", "1a", "1234", "-1", "1.", " 1"} {
		if isChoiceNumber(text) {
			t.Errorf("%q taken for a choice number", text)
		}
	}
}

// TestRulesNamingNumbersReadThemInFull: rules that name a number ("110",
// a police line, as a cry for help) get every choice number read in full.
func TestRulesNamingNumbersReadThemInFull(t *testing.T) {
	r, _ := shippedRules(t)
	if r.numbers {
		t.Fatal("the shipped rules name a number: the shortcut is never taken")
	}
	withNumber := *r
	withNumber.Distress.Strong = append(slices.Clone(r.Distress.Strong), "110")
	if !namesNumbers(reflect.ValueOf(withNumber)) {
		t.Error("a distress phrase \"110\" is not seen as naming a number")
	}
	withSpelling := *r
	withSpelling.Spelling = map[string]string{"2": "dua"}
	if !namesNumbers(reflect.ValueOf(withSpelling)) {
		t.Error("a spelling of \"2\" is not seen as naming a number")
	}
}
