package convo_test

import (
	"strings"
	"testing"

	"github.com/selfcheck-id/selfcheck/convo"
)

// TestLoadContentNeverPanics: whatever goes wrong while content is loaded
// is a problem, so a reload refuses it and the bot keeps serving; a panic
// there (an alias in a flow once caused one) ended the bot. A source with
// no file system stands in for a mistake no check foresaw.
func TestLoadContentNeverPanics(t *testing.T) {
	c, ps := convo.LoadContent(convo.Source{FlowsDir: "flows"})
	if c != nil || len(ps) != 1 || !strings.Contains(ps[0].String(), "flows: the content could not be checked (a bug in selfcheck: please report it)") {
		t.Errorf("got %v, %v", c, ps)
	}
}
