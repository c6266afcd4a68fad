// Package flows holds the decision flows (YAML files in this directory) and
// the Go code that loads, validates and steps them.
//
// A flow is data: NGO staff edit the YAML, never this code. Loading turns the
// YAML into the types below and validates it completely, so that a mistake is
// reported with file:line:column before it can reach a user. Stepping a flow is
// a pure function (see step.go): no I/O, no clock, no randomness.
package flows

// Verdict is the reserved `next` value that ends a check with the verdict.
const Verdict = "verdict"

// Flow is one decision flow, as written in a YAML file.
type Flow struct {
	ID      string `yaml:"id"`
	Version int    `yaml:"version"`
	// Start is the id of the first step.
	Start string `yaml:"start"`
	// Emergency is the step /help jumps to from anywhere.
	Emergency string `yaml:"emergency"`
	// Steps by id. The map keeps no order; StepOrder (filled by the loader)
	// keeps the order of the file for diagrams and progress.
	Steps     map[string]*Step `yaml:"steps"`
	StepOrder []string         `yaml:"-"`
	// Flags are the named red flags choices can raise.
	Flags map[string]*Flag `yaml:"flags"`
	// Bands are the verdict bands, lowest first.
	Bands []Band `yaml:"bands"`
	// UnknownsForMedium lifts the band to at least the second one when this
	// many "I don't know" answers were given (0 turns the rule off).
	UnknownsForMedium int        `yaml:"unknowns_for_medium"`
	Result            ResultSpec `yaml:"result"`

	// File is the path the flow was loaded from, for error messages.
	File string `yaml:"-"`
}

// Step is one question (with choices) or one end message (without).
type Step struct {
	// Text is the message ID of the question. A message "<id>.other", when it
	// exists, is used instead when the user checks for someone else.
	Text    string    `yaml:"text"`
	Choices []*Choice `yaml:"choices"`
	// When limits the step to users whose earlier answers match: step id ->
	// the choice ids that let this step be asked. All entries must hold.
	When map[string][]string `yaml:"when"`
	// Next is where a skipped step leads, and the default for choices that
	// name no next of their own.
	Next string `yaml:"next"`
	// Contacts are shown with an end step (a step without choices).
	Contacts []string `yaml:"contacts"`
	// Progress false keeps a step (the welcome, a router) out of "3/12".
	Progress *bool `yaml:"progress"`

	ID   string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Choice is one answer button.
type Choice struct {
	// ID is short and stable: it travels in callback data.
	ID    string   `yaml:"id"`
	Text  string   `yaml:"text"`
	Next  string   `yaml:"next"`
	Score int      `yaml:"score"`
	Flags []string `yaml:"flags"`
	// Unknown marks an "I don't know" answer; Action is the message ID of
	// the action item it becomes in the verdict (what to ask, where to check).
	Unknown bool   `yaml:"unknown"`
	Action  string `yaml:"action"`
	// Perspective switches the wording: "self" or "other" (a family member
	// or friend).
	Perspective string `yaml:"perspective"`
	// Contacts chosen by this answer (e.g. the embassy of the destination).
	Contacts []string `yaml:"contacts"`
	// Means is "yes" or "no": typed "ya", "tidak"... pick this choice.
	// Choices labelled plainly Yes or No mean that without saying so.
	Means string `yaml:"means"`

	Line int `yaml:"-"`
}

// Flag is a named warning sign with its weight.
type Flag struct {
	Weight int `yaml:"weight"`
	// Critical forces the highest band whatever the score.
	Critical bool `yaml:"critical"`
	// Indicator is the ILO forced-labour indicator the sign belongs to:
	// one of Indicators. The verdict names the indicators of the signs
	// found, each by its message IndicatorMessage(id).
	Indicator string `yaml:"indicator"`
	// Reason is the message ID of the one line that says why it matters.
	Reason string `yaml:"reason"`
	// Why records the author's reason for the weight; never shown to users.
	Why string `yaml:"why"`

	ID   string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Band is a verdict band: from Min points upwards.
type Band struct {
	ID   string `yaml:"id"`
	Min  int    `yaml:"min"`
	Text string `yaml:"text"`
	// Steps are the message IDs of the numbered next steps for this band.
	Steps []string `yaml:"steps"`
	Line  int      `yaml:"-"`
}

// ResultSpec is what every verdict shows besides its band.
type ResultSpec struct {
	// Contacts always shown, before the ones answers added.
	Contacts []string `yaml:"contacts"`
	// Figure is the message ID of one dated, sourced figure.
	Figure string `yaml:"figure"`
	// MaxReasons and MaxSteps cap the lists (default 5 each).
	MaxReasons int `yaml:"max_reasons"`
	MaxSteps   int `yaml:"max_steps"`
}

// IsEnd reports whether the step is an end message rather than a question.
func (s *Step) IsEnd() bool { return len(s.Choices) == 0 }

// Choice returns the choice with the given id, or nil.
func (s *Step) Choice(id string) *Choice {
	for _, c := range s.Choices {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// counted reports whether the step counts in progress ("3/12").
func (s *Step) counted() bool { return !s.IsEnd() && (s.Progress == nil || *s.Progress) }

// Indicators are the ILO's eleven indicators of forced labour (ILO
// Special Action Programme to Combat Forced Labour, 2012; listed in
// shared/domain/facts.md, section 3), the frame the warning signs are
// grouped in.
var Indicators = []string{
	"abuse_of_vulnerability", "deception", "restriction_of_movement", "isolation",
	"physical_and_sexual_violence", "intimidation_and_threats", "retention_of_identity_documents",
	"withholding_of_wages", "debt_bondage", "abusive_working_and_living_conditions", "excessive_overtime",
}

// IndicatorMessage is the message ID of an indicator's name.
func IndicatorMessage(indicator string) string { return "ilo." + indicator }
