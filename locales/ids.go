package locales

// Message IDs the Go code uses directly (flows name the rest). They are
// listed in one place so that validation can tell a message nothing uses
// from one the code needs.
const (
	Reprompt       = "ui.reprompt"          // typed text that is not an answer
	TryAgain       = "ui.try_again"         // storage down: try again in a minute
	Stale          = "ui.stale"             // toast for an old or unknown button (<=200 chars)
	Busy           = "ui.busy"              // toast: many people at once; {{.N}} until the next question (<=200 chars)
	Progress       = "ui.progress"          // {{.N}}: this question's number, {{.Left}}: about how many follow
	ProgressLast   = "ui.progress_last"     // {{.N}}: the last question's number
	RestartConfirm = "ui.restart_confirm"   // Start again pressed mid-check: sure?
	BtnRestartYes  = "ui.btn_restart_yes"   // button label: yes, delete the answers and start again
	BtnRestartNo   = "ui.btn_restart_no"    // button label: no, go on with the check
	Chosen         = "ui.chosen"            // {{.Answer}}: the edited question shows the answer
	BtnBack        = "ui.btn_back"          // button label
	BtnRestart     = "ui.btn_restart"       // button label
	BtnHelp        = "ui.btn_help"          // button label: emergency contacts now
	BtnLanguage    = "ui.btn_language"      // button label: switch to the other language
	BtnResume      = "ui.btn_resume"        // button label: back to the check /help interrupted
	FlowChanged    = "ui.flow_changed"      // the questions changed under a running check
	Expired        = "ui.expired"           // an old button after the session expired
	Forgotten      = "ui.forgotten"         // /forget done
	Privacy        = "ui.privacy"           // /privacy
	PrivateOnly    = "ui.private_only"      // in a group: {{.Link}} to a private chat
	LanguageSet    = "ui.language_set"      // after switching language
	VerdictReasons = "ui.verdict_reasons"   // heading: the warning signs ({{.N}} of them)
	MoreReasons    = "ui.more_reasons"      // heading: the less strong signs ({{.N}} of them)
	VerdictILO     = "ui.verdict_ilo"       // {{.List}}: the ILO indicators the signs come under
	VerdictSteps   = "ui.verdict_steps"     // heading: what to do next
	VerdictActions = "ui.verdict_actions"   // heading: find out first
	VerdictContact = "ui.verdict_contact"   // heading: whom to contact
	Share          = "ui.share"             // {{.Link}}: share the bot with a friend
	ShareButton    = "ui.share_button"      // button label: share the bot
	WhatsApp       = "ui.whatsapp"          // label before a WhatsApp link
	EndHint        = "ui.end_hint"          // after a verdict or end step: how to start again
	EmergencyMore  = "ui.emergency_more"    // text after an emergency screen: if the embassy does not answer
	ListenQuestion = "ui.listen_question"   // "is this safe?", a link: what the bot can and cannot do
	ListenNone     = "ui.listen_heard_none" // {{.List}}: answers read from a message, no warning sign among them
	ListenOne      = "ui.listen_heard_one"  // {{.List}}: answers read, one warning sign
	ListenMany     = "ui.listen_heard_many" // {{.List}}, {{.N}}: answers read, N warning signs
	ListenNothing  = "ui.listen_nothing"    // a long message with no detail of an offer
	ListenSuggest  = "ui.listen_suggested"  // {{.Answer}}: under a question, the answer read from the message
	ListenDiffers  = "ui.listen_differs"    // {{.List}}: answers a message gives unlike those given
	ListenWas      = "ui.listen_was"        // {{.Read}}, {{.Answered}}: one item of that list
	AnswerYes      = "c.yes"                // the plain "Yes" label: typed "ya", "iya"... pick it
	AnswerNo       = "c.no"                 // the plain "No" label: typed "tidak", "nggak"... pick it

	Day   = "time.day"   // {{.N}}: one day ({{.Kept}}, see Catalog.Duration)
	Days  = "time.days"  // {{.N}}: several days
	Hour  = "time.hour"  // {{.N}}: one hour
	Hours = "time.hours" // {{.N}}: several hours

	CmdStart    = "cmd.start" // setMyCommands descriptions (1-256 chars)
	CmdRestart  = "cmd.restart"
	CmdBack     = "cmd.back"
	CmdHelp     = "cmd.help"
	CmdLanguage = "cmd.language"
	CmdPrivacy  = "cmd.privacy"
	CmdForget   = "cmd.forget"

	// The web channel's own words (package web).
	WebTitle         = "web.title"          // the page's title and heading
	WebPrivacy       = "web.privacy"        // button label: the privacy text
	WebForget        = "web.forget"         // button label: delete my answers now
	WebTypeLabel     = "web.type_label"     // label of the text box under a question
	WebSend          = "web.send"           // button label: send the typed text
	WebOutOfDate     = "web.out_of_date"    // a form that was old, forged or without its cookie: nothing changed
	WebTooMany       = "web.too_many"       // too many requests from one address
	WebContinue      = "web.continue"       // link label: back to the check (after privacy or delete)
	WebKioskIdle     = "web.kiosk_idle"     // kiosk: {{.N}} seconds until the screen clears itself
	WebKioskTelegram = "web.kiosk_telegram" // kiosk verdict: the QR code continues on Telegram
	WebKioskPhoto    = "web.kiosk_photo"    // kiosk verdict: photograph the contacts
	WebKioskDone     = "web.kiosk_done"     // kiosk: button label that clears the screen for the next person
	WebPrivacyWeb    = "web.privacy_web"    // after the privacy text on the web: what the cookie holds
	WebQRAlt         = "web.qr_alt"         // kiosk: the QR code's text alternative
)

// CodeIDs are all message IDs above.
var CodeIDs = []string{
	Reprompt, TryAgain, Stale, Busy, Progress, ProgressLast, RestartConfirm, BtnRestartYes, BtnRestartNo, Chosen, BtnBack, BtnRestart, BtnHelp,
	BtnLanguage, BtnResume, FlowChanged, Expired, Forgotten, Privacy, PrivateOnly,
	LanguageSet, VerdictReasons, MoreReasons, VerdictILO, VerdictSteps, VerdictActions, VerdictContact,
	Share, ShareButton, WhatsApp, EndHint, EmergencyMore, AnswerYes, AnswerNo,
	ListenQuestion, ListenNone, ListenOne, ListenMany, ListenNothing, ListenSuggest, ListenDiffers, ListenWas,
	CmdStart, CmdRestart, CmdBack, CmdHelp, CmdLanguage, CmdPrivacy, CmdForget,
	WebTitle, WebPrivacy, WebForget, WebTypeLabel, WebSend, WebOutOfDate, WebTooMany, WebContinue, WebKioskIdle, WebKioskTelegram, WebKioskPhoto, WebKioskDone, WebQRAlt, WebPrivacyWeb,
	Day, Days, Hour, Hours,
}
