package convo

import (
	"context"

	"github.com/selfcheck-id/selfcheck/flows"
)

// Outcome is what one handled request did, in terms that identify nobody:
// no chat, no text. Observers turn it into metrics and campaign statistics.
type Outcome struct {
	Campaign string
	Day      string // YYYY-MM-DD the check started
	Lang     string
	Started  bool
	// Asked are the questions shown as the flow moved forward.
	Asked []string
	// Answers applied by this request.
	Answers []flows.Answer
	// Band is the verdict band when the check ended with a verdict; Ended
	// the end step when it ended at one (emergency help).
	Band, Ended string
	// Unavailable is set when storage failed and nothing was applied.
	Unavailable bool
	Forgotten   bool
}

// Completed reports whether the request ended a check.
func (o Outcome) Completed() bool { return o.Band != "" || o.Ended != "" }

// Observer is told every outcome after it is stored. It must be quick and
// must not fail the request: it runs on the request's path.
type Observer interface {
	Observe(ctx context.Context, o Outcome)
}
