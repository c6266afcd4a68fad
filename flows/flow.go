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
	// Emergency is the step /help jumps to from anywhere; HelpNow are the
	// contacts /help shows at once, before asking who and where.
	Emergency string   `yaml:"emergency"`
	HelpNow   []string `yaml:"help_now"`
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
	// Advice are the cases that choose the verdict's opening line and its
	// steps, first match wins; a verdict no case matches gets its band's.
	Advice []*Advice `yaml:"advice"`
	// LegalRoute names the step messages that belong to the legal
	// migration route. Validation keeps them out of every verdict that a
	// flag marked no_legal_route can reach: where no legal route exists,
	// advice must not suggest one.
	LegalRoute []string `yaml:"legal_route"`
	// LegalRouteContacts are contacts of the legal route (the licence
	// check): a verdict with a no_legal_route sign leaves them out, and
	// leaves out action items listed in LegalRoute too, whatever the
	// answers chose.
	LegalRouteContacts []string `yaml:"legal_route_contacts"`
	// Country is the step whose answer names the destination country:
	// messages say {{.Country}} to name it (the choice's `name`, else its
	// label).
	Country string `yaml:"country"`

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
	// Contacts are shown with an end step (a step without choices);
	// ContactsOther instead when someone checks for another person (the
	// family at home can call numbers that work only in Indonesia).
	Contacts      []string `yaml:"contacts"`
	ContactsOther []string `yaml:"contacts_other"`
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
	// When offers the choice only to users whose earlier answers match
	// (as a step's when): "I don't know" for someone else's age, a direct
	// flight only when a country was named.
	When map[string][]string `yaml:"when"`
	// Range [min, max] lets a typed whole number in it pick the choice (an
	// age: "17", "17 tahun"). A step with ranges reads typed numbers as
	// values, never as the position of a button.
	Range []int `yaml:"range"`
	// Advice are message IDs of steps this answer adds to the verdict's
	// "what to do now" (money already paid: keep proof, report).
	Advice []string `yaml:"advice"`
	// Name is the message ID of how sentences name this answer (the
	// country, for {{.Country}}); the label when empty.
	Name string `yaml:"name"`

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
	// NoLegalRoute marks a sign that rules out every legal route (a
	// country the government places no workers in, a child): no verdict
	// with it may suggest a step of the flow's legal_route.
	NoLegalRoute bool `yaml:"no_legal_route"`

	ID   string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Band is a verdict band: from Min points upwards.
type Band struct {
	ID  string `yaml:"id"`
	Min int    `yaml:"min"`
	// Text is the message ID of the band's label ("HIGHER RISK").
	Text string `yaml:"text"`
	// Headline is the message ID of the line a person can act on, shown
	// under the label when no advice case gives one of its own.
	Headline string `yaml:"headline"`
	// Steps are the message IDs of the numbered next steps for this band,
	// when no advice case matches.
	Steps []string `yaml:"steps"`
	// Actions, when set, are the only action items ("find out first") a
	// verdict of this band shows: where the advice is not to go, asking
	// for the contract or the route would say the opposite.
	Actions []string `yaml:"actions"`
	// AnswerSteps, when set, are the only steps answers may add to a
	// verdict of this band (money already paid: keep proof, report).
	AnswerSteps []string `yaml:"answer_steps"`
	// Figure false leaves the flow's figure out of this band's verdict.
	Figure *bool `yaml:"figure"`
	Line   int   `yaml:"-"`
}

// Advice is one case of the verdict's advice: when If holds, its headline
// and steps replace the band's.
type Advice struct {
	ID       string    `yaml:"id"`
	If       Condition `yaml:"if"`
	Headline string    `yaml:"headline"`
	Steps    []string  `yaml:"steps"`
	// Contacts are shown first in the verdict's contact list (SAPA 129
	// for a child).
	Contacts []string `yaml:"contacts"`
	Line     int      `yaml:"-"`
}

// Condition says when an advice case applies. Every part given must hold;
// an empty condition always holds.
type Condition struct {
	// Band: the verdict's band is one of these.
	Band []string `yaml:"band"`
	// Flags: at least one of these signs was raised.
	Flags []string `yaml:"flags"`
	// Answers: step id -> choice ids, as a step's when.
	Answers map[string][]string `yaml:"answers"`
}

// Empty reports whether the condition always holds.
func (c Condition) Empty() bool { return len(c.Band) == 0 && len(c.Flags) == 0 && len(c.Answers) == 0 }

// ResultSpec is what every verdict shows besides its band.
type ResultSpec struct {
	// Contacts always shown, before the ones answers added.
	Contacts []string `yaml:"contacts"`
	// Figure is the message ID of one dated, sourced figure.
	Figure string `yaml:"figure"`
	// StrongWeight: signs of at least this weight (and critical ones) are
	// listed as warning signs, lighter ones apart as "less strong". Every
	// sign raised is named; 0 means 4.
	StrongWeight int `yaml:"strong_weight"`
}

// Visible returns the choices offered to a user in state st: those whose
// condition holds.
func (s *Step) Visible(st State) []*Choice {
	all := true
	for _, c := range s.Choices {
		if len(c.When) > 0 && !st.holds(c.When) {
			all = false
			break
		}
	}
	if all {
		return s.Choices
	}
	out := make([]*Choice, 0, len(s.Choices))
	for _, c := range s.Choices {
		if len(c.When) == 0 || st.holds(c.When) {
			out = append(out, c)
		}
	}
	return out
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
