package convo

import "testing"

// TestTypedWordsMatchMeaning checks typed answers against the shipped
// flow: yes/no words pick only choices that mean yes or no, whatever their
// ids, and numbers must be plain.
func TestTypedWordsMatchMeaning(t *testing.T) {
	ct, ps := LoadContent(Embedded)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	tests := []struct {
		step, text, want string // want "" for a re-prompt
	}{
		{"secrecy", "ya", "yes"},
		{"secrecy", "Nggak!", "no"},
		{"secrecy", "gak tau", "unknown"},
		{"disnaker", "iya", "yes"},  // "Yes (or in progress)": means yes
		{"disnaker", "tidak", "no"}, // "No, or told it's not needed": means no
		{"fees", "tidak", "no"},     // "No, nothing to pay"
		// "Checked: no licence" has the id "no" but does not mean a plain no.
		{"licence", "tidak", ""},
		{"licence", "belum", ""}, // "not yet": neither yes nor no
		{"licence", "tidak tahu", "unknown"},
		{"licence", "2", "no"},
		{"welcome", "-1", ""},
		{"welcome", "+2", ""},
		{"welcome", "1.", "self"},
		{"destination", "kamboja", "kh"},
		// Ages are values: "1" is no button position there, "17" is under 18.
		{"age", "17", "under18"},
		{"age", "17 tahun", "under18"},
		{"age", "umur 16", "under18"},
		{"age", "usia 19 thn", "adult"},
		{"age", "I'm 25", "adult"},
		{"age", "25 years", "adult"},
		{"age", "1", ""},
		{"age", "2", ""},
		{"age", "17 atau 18", ""},
		{"age", "170", ""},
		{"age", "18 tahun atau lebih", "adult"}, // the label, typed
		{"age", "17 years old", "under18"},
		{"age", "I am 17", "under18"},
		{"age", "saya 17", "under18"},
		{"age", "25thn", "adult"},
		{"age", "umur 17 thn", "under18"},
		{"age", "17 atau 25", ""},
		{"destination", "Cambodia", "kh"}, // the other language's label
	}
	for _, tt := range tests {
		s := ct.Flow.Steps[tt.step]
		got, ok := matchChoice(ct, "id", s, s.Choices, tt.text)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("%s: typed %q picked %q, want %q", tt.step, tt.text, got, tt.want)
		}
	}
}
