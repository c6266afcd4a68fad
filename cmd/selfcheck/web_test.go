package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestWebRefusesBadSettings: settings that cannot work stop web at once
// with status 2 and say why.
func TestWebRefusesBadSettings(t *testing.T) {
	t.Setenv("CAMPAIGN_KEY", "")
	t.Setenv("REDIS_URL", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "en"}, "--lang needs --campaign"},
		{[]string{"--campaign", "booth1"}, "CAMPAIGN_KEY"},
		{[]string{"--campaign", "booth1", "--campaign-key", "9f2c4e7a1b8d3f6e0a5c9b2d7e4f1a8c", "--lang", "fr"}, "fr"},
		{[]string{"--campaign", "081234567890", "--campaign-key", "9f2c4e7a1b8d3f6e0a5c9b2d7e4f1a8c"}, "--campaign"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"web"}, tc.args...), strings.NewReader(""), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("web %v: status %d, stderr %q; want 2 and %q", tc.args, code, errb.String(), tc.want)
		}
	}
}
