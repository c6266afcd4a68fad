package locales

import (
	"slices"
	"strings"
)

// Fields are the values a message may show, {{.Name}}, each with the
// sample that validation renders messages with. Nothing else may stand
// between {{ and }} (see message).
var Fields = map[string]any{
	"Kept":     "999 hours",                // how long answers are kept (SESSION_TTL), in words
	"Country":  "the Middle East",          // the destination chosen, named in a sentence; empty before it is chosen
	"N":        99,                         // a number: this question's, or how many signs
	"Left":     99,                         // about how many questions follow
	"Answer":   "I don't know",             // an answer's label
	"List":     "Cambodia; a tourist visa", // answers, signs or indicators, joined
	"Link":     "https://t.me/example_bot", // a link to the bot
	"Read":     "Cambodia",                 // an answer read from a message
	"Answered": "Thailand",                 // the answer given to that question
}

// Every message gets these, as the bot renders it with the values every
// turn carries (Country once the country step is answered).
var everyMessage = []string{"Kept", "Country"}

// codeFields are the messages the program renders with values of its own,
// and those values: they get no others. A new message rendered with
// values (Text with data) must be listed here, or validation refuses the
// fields it uses.
var codeFields = map[string][]string{
	Progress:       {"N", "Left"},
	ProgressLast:   {"N", "Left"},
	Chosen:         {"Answer"},
	ListenSuggest:  {"Answer"},
	ListenWas:      {"Read", "Answered"},
	ListenNone:     {"List", "N"},
	ListenOne:      {"List", "N"},
	ListenMany:     {"List", "N"},
	ListenDiffers:  {"List"},
	VerdictReasons: {"N"},
	MoreReasons:    {"N"},
	VerdictILO:     {"List"},
	Share:          {"Link"},
	PrivateOnly:    {"Link"},
	Busy:           {"N"},
	WebKioskIdle:   {"N"},
	Day:            {"N"},
	Days:           {"N"},
	Hour:           {"N"},
	Hours:          {"N"},
}

// FieldsOf lists the fields the bot fills when it renders message id (or
// its ".other" variant).
func FieldsOf(id string) []string {
	if f, ok := codeFields[strings.TrimSuffix(id, ".other")]; ok {
		return f
	}
	return everyMessage
}

// Samples are the sample values of the fields message id gets.
func Samples(id string) map[string]any {
	data := map[string]any{}
	for _, f := range FieldsOf(id) {
		data[f] = Fields[f]
	}
	return data
}

func isField(name string) bool {
	_, ok := Fields[name]
	return ok
}

// fieldList names every field, for problems.
func fieldList() string {
	names := make([]string, 0, len(Fields))
	for f := range Fields {
		names = append(names, f)
	}
	slices.Sort(names)
	return "the fields are {{." + strings.Join(names, "}}, {{.") + "}}"
}
