package tglimit

import (
	"strings"
	"testing"
)

func TestLen(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "é": 1, "日本": 2, "🙂": 2, "a🙂b": 4, "\U0001F1EE\U0001F1E9": 4} {
		if got := Len(s); got != want {
			t.Errorf("Len(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello!", 5, "hell…"},
		{"ab🙂cd", 4, "ab…"}, // the emoji would take the count to 5
		{"ab🙂cd", 5, "ab🙂…"},
		{strings.Repeat("🙂", 150), Toast, strings.Repeat("🙂", 99) + "…"},
	} {
		got := Truncate(tc.s, tc.n)
		if got != tc.want || Len(got) > tc.n {
			t.Errorf("Truncate(%q, %d) = %q (%d units), want %q", tc.s, tc.n, got, Len(got), tc.want)
		}
	}
}
