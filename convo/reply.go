// Package convo is the conversation core shared by every channel: it loads
// a chat's session, steps the flow, saves the session and renders the
// replies in the user's language. Channel adapters (terminal, Telegram)
// translate their input into a Request and a Response into their output;
// they hold no flow logic.
package convo

// RequestKind says what the user sent.
type RequestKind int

const (
	// KindText is typed text: maybe an answer, maybe not.
	KindText RequestKind = iota
	// KindButton is a pressed button; Data is what the button carried.
	KindButton
	// KindCommand is /name with an optional argument.
	KindCommand
)

// Commands the core understands.
const (
	CmdStart    = "start"
	CmdRestart  = "restart"
	CmdBack     = "back"
	CmdHelp     = "help"
	CmdLanguage = "language"
	CmdPrivacy  = "privacy"
	CmdForget   = "forget"
	// CmdShow shows the screen the check is at, changing nothing (a web
	// page loaded again); with no check begun it shows nothing (no
	// replies) and stores nothing, and the channel decides what to start.
	CmdShow = "show"
)

// Request is one user action from any channel.
type Request struct {
	ChatID int64
	// Visitor is a web visitor's random id (from a cookie); when set it
	// keys the session instead of ChatID, in a space of its own.
	Visitor string
	// UpdateID identifies a delivery for de-duplication; 0 for none.
	UpdateID int64
	// LangHint is the channel's idea of the user's language (an IETF tag);
	// used for a new session only.
	LangHint string
	Kind     RequestKind
	Text     string // KindText: the text; KindCommand: the argument
	Data     string // KindButton: the button's data
	Command  string // KindCommand: the name, without "/"
	// Space keeps the chats of one channel account apart from another's
	// ("" for the first; see Spaced).
	Space string
}

// Response is what to show. For a Button request the channel answers the
// button press first (with Toast, which may be empty), then replaces the
// pressed message with Edit (when set), then sends Replies in order.
type Response struct {
	Toast string
	// Important marks a toast the user must see (storage is down: try
	// again), where a channel that cannot show it sends it as a message.
	Important bool
	Edit      *Reply
	Replies   []Reply
	Lang      string
	// Done is set when the check is at its end (a verdict or an end step).
	Done bool
	// Resent marks the screen shown again because the user may not have
	// seen it: a repeat of a tap already applied, or a request after a
	// reply was lost. A channel that can shows it in the pressed message.
	Resent bool
	// InPlace says the one reply is the next question after a tap on the
	// question on screen: a channel that can edit the pressed message
	// into it sends nothing new (one message per tap, not two: at an
	// event, Telegram's 30 messages a second are what limits the bot).
	InPlace bool
	// Trail is the last few answers, one "✓ answer" line each (empty when
	// the screen is not a question). A channel that turns the answered
	// question into the next one shows it above the question.
	Trail string
}

// Reply is one message: a bold head line (may be empty), a body, and
// buttons in rows. Text is plain: channels escape it for their markup.
type Reply struct {
	Head    string
	Body    string
	Buttons [][]Button
}

// Button is one button: it carries Data back, or opens URL.
type Button struct {
	Label string
	Data  string
	URL   string
}

// Text returns the reply's text as plain lines: head, blank line, body.
func (r Reply) Text() string {
	if r.Head == "" {
		return r.Body
	}
	if r.Body == "" {
		return r.Head
	}
	return r.Head + "\n\n" + r.Body
}
