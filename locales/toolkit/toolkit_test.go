package toolkit_test

import (
	"testing"

	"github.com/selfcheck-id/selfcheck/locales/toolkit"
)

func TestEveryTextInBothLanguages(t *testing.T) {
	if err := toolkit.Check(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ lang, want string }{
		{"en", "Offered a job abroad?"}, {"id", "Ditawari kerja di luar negeri?"}, {"fr", "Offered a job abroad?"},
	} {
		if got := toolkit.T(tt.lang, "poster.headline"); got != tt.want {
			t.Errorf("T(%s) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}
