package flows

import "maps"

// State is where one user is in a flow. It holds only what cannot be derived:
// the answers in order. Score, flags and verdict are computed from them (see
// Evaluate), so a weight changed by an NGO applies to running checks too.
type State struct {
	Flow    string `json:"f"`
	Version int    `json:"v"`
	// Step is the step on screen: a question, an end step, or Verdict.
	Step    string   `json:"s"`
	Answers []Answer `json:"a,omitempty"`
	// Perspective is "other" when checking for a family member or friend.
	Perspective string `json:"p,omitempty"`
	// Suggested are answers read from a pasted message (step -> choice),
	// offered for confirmation when their question comes; never counted
	// until the user picks them.
	Suggested map[string]string `json:"g,omitempty"`
}

// Answer is one choice made at one step.
type Answer struct {
	Step   string `json:"s"`
	Choice string `json:"c"`
}

// InputKind says what the user did.
type InputKind int

const (
	Start     InputKind = iota // begin (or begin again) at the start step
	Choose                     // pick Choice at Step
	Back                       // undo the last answer
	Emergency                  // jump to the emergency step
)

// Input is one user action, already decoded by a channel adapter.
type Input struct {
	Kind InputKind
	// Step is the question the user answered: a choice made on an older
	// question is stale and changes nothing.
	Step, Choice string
}

// Event tells the caller what happened; the caller renders it.
type Event interface{ event() }

type (
	// Answered: Choice was taken at Step (the question can show it).
	Answered struct{ Step, Choice string }
	// Asked: the question Step is now on screen.
	Asked struct{ Step string }
	// Ended: the end step Step was reached (e.g. emergency contacts).
	Ended struct{ Step string }
	// Judged: the check ended with a verdict.
	Judged struct{ Verdict Result }
	// Rejected: the input was not valid here; nothing changed.
	Rejected struct{ Reason RejectReason }
)

func (Answered) event() {}
func (Asked) event()    {}
func (Ended) event()    {}
func (Judged) event()   {}
func (Rejected) event() {}

// RejectReason says why an input changed nothing.
type RejectReason int

const (
	// StaleInput: a button of an earlier question, or the check is over.
	StaleInput RejectReason = iota
	// UnknownChoice: no such choice at that step (forged or outdated data).
	UnknownChoice
)

// Advance applies one input to a state. It is pure: the same flow, state and
// input always give the same result, and the input state is not modified.
func Advance(f *Flow, st State, in Input) (State, []Event) {
	st.Answers = append([]Answer(nil), st.Answers...) // never share the caller's slice
	switch in.Kind {
	case Start:
		next := State{Flow: f.ID, Version: f.Version}
		return next.enter(f, f.Start, nil)
	case Emergency:
		next := State{Flow: f.ID, Version: f.Version}
		return next.enter(f, f.Emergency, nil)
	case Back:
		if len(st.Answers) == 0 {
			return st.enter(f, f.Start, nil)
		}
		last := st.Answers[len(st.Answers)-1]
		st.Answers = st.Answers[:len(st.Answers)-1]
		if last.Step == f.Start {
			st.Perspective = ""
		}
		st.Step = last.Step
		return st, []Event{Asked{last.Step}}
	case Choose:
		if in.Step != st.Step {
			return st, []Event{Rejected{StaleInput}}
		}
		step := f.Steps[st.Step]
		if step == nil {
			return st, []Event{Rejected{StaleInput}}
		}
		c := step.Choice(in.Choice)
		if c == nil || (len(c.When) > 0 && !st.holds(c.When)) {
			// Not offered to this user: forged or from an older flow.
			return st, []Event{Rejected{UnknownChoice}}
		}
		st.Answers = append(st.Answers, Answer{Step: step.ID, Choice: c.ID})
		if _, ok := st.Suggested[step.ID]; ok {
			// Confirmed or corrected: the suggestion has done its work.
			st.Suggested = maps.Clone(st.Suggested)
			delete(st.Suggested, step.ID)
		}
		if c.Perspective != "" {
			st.Perspective = c.Perspective
		}
		return st.enter(f, c.NextOr(step), []Event{Answered{step.ID, c.ID}})
	}
	return st, []Event{Rejected{StaleInput}}
}

// Suggestion returns the choice suggested for the step on screen, when it
// is one the user is offered there.
func (st State) Suggestion(f *Flow) *Choice {
	id, ok := st.Suggested[st.Step]
	s := f.Steps[st.Step]
	if !ok || s == nil {
		return nil
	}
	for _, c := range s.Visible(st) {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// NextOr returns the choice's next, or the step's when the choice names none.
func (c *Choice) NextOr(s *Step) string {
	if c.Next != "" {
		return c.Next
	}
	return s.Next
}

// enter moves to step id, skipping steps whose `when` does not hold, and
// emits what is now on screen.
func (st State) enter(f *Flow, id string, evs []Event) (State, []Event) {
	// A validated flow has no loops, so this ends; the bound guards against
	// an unvalidated one.
	for range len(f.Steps) + 1 {
		if id == Verdict {
			st.Step = Verdict
			return st, append(evs, Judged{Evaluate(f, st)})
		}
		s := f.Steps[id]
		if s == nil {
			break
		}
		if !st.holds(s.When) {
			id = s.Next
			continue
		}
		st.Step = id
		if s.IsEnd() {
			return st, append(evs, Ended{id})
		}
		return st, append(evs, Asked{id})
	}
	st.Step = Verdict
	return st, append(evs, Judged{Evaluate(f, st)})
}

// holds reports whether the earlier answers satisfy a `when` condition.
func (st State) holds(when map[string][]string) bool {
	for step, choices := range when {
		got, ok := st.answer(step)
		if !ok || !contains(choices, got) {
			return false
		}
	}
	return true
}

func (st State) answer(step string) (string, bool) {
	for _, a := range st.Answers {
		if a.Step == step {
			return a.Choice, true
		}
	}
	return "", false
}

// votesFor counts the choices that lead to next.
func votesFor(choices []*Choice, next string) int {
	n := 0
	for _, c := range choices {
		if c.Next == next {
			n++
		}
	}
	return n
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Progress returns the number of the question on screen and about how many
// questions are left after it, for "Question 3 · about 9 left". It follows
// the path the answers so far lead to: a step whose condition already fails
// counts 0, one whose condition holds counts 1, and one whose condition
// depends on questions not answered yet counts the share of their answers
// that would ask it, so the estimate neither jumps down nor creeps up much
// as answers come. Both are 0 for steps that do not count (the welcome, end
// steps).
func Progress(f *Flow, st State) (n, left int) {
	s := f.Steps[st.Step]
	if s == nil || !s.counted() {
		return 0, 0
	}
	for _, a := range st.Answers {
		if as := f.Steps[a.Step]; as != nil && as.counted() {
			n++
		}
	}
	expected := 0.0
	// The steps passed, to stop at a loop: a path is at most a few dozen
	// steps, and a slice on the stack costs less than a map on every tap.
	var buf [64]string
	seen := append(buf[:0], s.ID)
	for id := s.likelyNext(); id != "" && !contains(seen, id); {
		seen = append(seen, id)
		next := f.Steps[id]
		if next == nil {
			break
		}
		if next.counted() {
			expected += st.chance(f, next.When)
		}
		id = next.likelyNext()
	}
	return n + 1, int(expected + 0.5)
}

// chance is how likely a condition is to hold: 0 or 1 for answered steps,
// and for a step not answered yet the share of its choices that satisfy it.
func (st State) chance(f *Flow, when map[string][]string) float64 {
	p := 1.0
	for step, choices := range when {
		if got, ok := st.answer(step); ok {
			if !contains(choices, got) {
				return 0
			}
			continue
		}
		if ds := f.Steps[step]; ds != nil && len(ds.Choices) > 0 {
			p *= float64(len(choices)) / float64(len(ds.Choices))
		}
	}
	return p
}

// likelyNext is where a step usually leads: its own next, else the next
// most of its choices name.
func (s *Step) likelyNext() string {
	if s.Next != "" {
		return s.Next
	}
	// Counted over the choices themselves (a handful), not in a map: this
	// runs for every question shown (Progress). A next leads once it has
	// more votes so far than the one leading (ties go to the first there).
	best := ""
	for i, c := range s.Choices {
		if c.Next != "" && votesFor(s.Choices[:i+1], c.Next) > votesFor(s.Choices[:i+1], best) {
			best = c.Next
		}
	}
	return best
}
