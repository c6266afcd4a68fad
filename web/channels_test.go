package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/selfcheck-id/selfcheck/bot"
	"github.com/selfcheck-id/selfcheck/flows"
	"github.com/selfcheck-id/selfcheck/internal/testkit/golden"
	"github.com/selfcheck-id/selfcheck/internal/testkit/tgfake"
	"github.com/selfcheck-id/selfcheck/terminal"
)

// offer is one set of answers: the typical scam ad (Facebook "customer
// service" in Cambodia, high pay, ticket repaid from salary, tourist visa).
var offer = map[string]string{
	"welcome": "self", "source": "socmed", "destination": "kh", "dest_change": "no", "job": "cs",
	"returnee": "no", "salary": "high", "fees": "debt", "visa": "tourist", "route": "indirect",
	"contract": "arrival", "licence": "ok", "disnaker": "no", "passport": "unknown", "secrecy": "yes",
	"replace": "no", "interview": "chat", "data": "yes", "age": "adult",
}

// choice is one answer on the path: the question, the choice, and its
// number among the choices shown (what the terminal types).
type choice struct {
	step, id string
	n        int
}

// path walks the flow engine with answers and returns the questions asked
// in order and the verdict's band message.
func path(t *testing.T, f *flows.Flow, answers map[string]string) ([]choice, string) {
	t.Helper()
	st, _ := flows.Advance(f, flows.State{}, flows.Input{Kind: flows.Start})
	var out []choice
	for st.Step != flows.Verdict {
		s := f.Steps[st.Step]
		if s == nil || s.IsEnd() || len(out) > 60 {
			t.Fatalf("the answers lead to %q, not a verdict", st.Step)
		}
		want, ok := answers[s.ID]
		if !ok {
			t.Fatalf("no answer for question %q", s.ID)
		}
		i := slices.IndexFunc(s.Visible(st), func(c *flows.Choice) bool { return c.ID == want })
		if i < 0 {
			t.Fatalf("question %q does not offer %q", s.ID, want)
		}
		out = append(out, choice{s.ID, want, i + 1})
		st, _ = flows.Advance(f, st, flows.Input{Kind: flows.Choose, Step: s.ID, Choice: want})
	}
	return out, flows.Evaluate(f, st).Band.Text
}

// TestChannelsAgree: the same answers given on the terminal, on Telegram
// (the bot against the fake Bot API) and on the web pages reach the same
// verdict, line for line; the three transcripts are one golden file per
// language.
func TestChannelsAgree(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		t.Run(lang, func(t *testing.T) {
			// A store per language: each channel's chat starts new.
			srv, env := newServer(t, Options{})
			ct := env.Core.Content()
			answers, band := path(t, ct.Flow, offer)
			fake := tgfake.New()
			t.Cleanup(fake.Close)
			bandLine := ct.Msgs.Text(lang, band, false, nil)
			term := terminalTranscript(t, env.Core, lang, answers)
			tg := telegramTranscript(t, fake, env.Core, lang, answers)
			web := webTranscript(t, newVisit(t, srv, lang), answers)
			want := verdictLines(t, "terminal", term, bandLine)
			for name, got := range map[string][]string{
				"telegram": verdictLines(t, "telegram", tg, bandLine),
				"web":      verdictLines(t, "web", web, bandLine),
			} {
				if !slices.Equal(got, want) {
					t.Errorf("%s's verdict differs from the terminal's:\n%s", name, golden.FirstDiff(strings.Join(want, "\n"), strings.Join(got, "\n")))
				}
			}
			var b strings.Builder
			fmt.Fprintf(&b, "# The same answers on three channels (web/channels_test.go); their verdicts are equal line for line.\n")
			fmt.Fprintf(&b, "\n== terminal ==\n%s\n== telegram ==\n%s\n== web ==\n%s", term, tg, web)
			golden.Check(t, filepath.Join("testdata", "channels."+lang+".golden"), []byte(b.String()))
		})
	}
}

// verdictLines are a transcript's lines from the verdict's band line on,
// without list marks and button lines, the way any channel words them.
func verdictLines(t *testing.T, name, transcript, bandLine string) []string {
	t.Helper()
	i := strings.LastIndex(transcript, bandLine)
	if i < 0 {
		t.Fatalf("%s: no verdict %q in:\n%s", name, bandLine, transcript)
	}
	var out []string
	for _, l := range strings.Split(transcript[i:], "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, "• ")
		l = listNumber.ReplaceAllString(l, "")
		if l == "" || l == "---" || termButton.MatchString(l) || strings.HasPrefix(l, "> ") || l == ">" {
			continue
		}
		out = append(out, l)
	}
	return out
}

var (
	listNumber = regexp.MustCompile(`^\d{1,2}\. `)
	termButton = regexp.MustCompile(`^\d{1,2}\) `)
)

// terminalTranscript types each answer's number, as a person would.
func terminalTranscript(t *testing.T, core terminal.Handler, lang string, answers []choice) string {
	var in strings.Builder
	for _, a := range answers {
		in.WriteString(strconv.Itoa(a.n) + "\n")
	}
	var out strings.Builder
	if err := terminal.Run(context.Background(), core, strings.NewReader(in.String()), &out, terminal.Options{Lang: lang, Echo: true}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// handled counts the updates the bot has finished (answered, edited and
// sent), so the test waits for each instead of sleeping.
type handled chan struct{}

func (h handled) Update(string, time.Duration) { h <- struct{}{} }
func (h handled) APIError(string)              {}
func (h handled) Shed(string)                  {}

// telegramTranscript taps each answer's button in a private chat with the
// bot and returns the chat as the user sees it at the end.
func telegramTranscript(t *testing.T, fake *tgfake.Server, core bot.Core, lang string, answers []choice) string {
	done := make(handled, 1)
	ctx, cancel := context.WithCancel(context.Background())
	b, err := bot.New(ctx, core, "123456:TEST", bot.WithAPIURL(fake.URL()), bot.WithRateLimits(0, 0, 0), bot.WithRecorder(done),
		bot.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan struct{})
	go func() { _ = b.Poll(ctx); close(stopped) }()
	t.Cleanup(func() { cancel(); <-stopped })
	wait := func() {
		t.Helper()
		select {
		case <-done:
		case <-time.After(30 * time.Second): // a guard against a hang, not a measure
			t.Fatal("the bot did not handle the update")
		}
	}
	c := fake.NewPrivateChat(lang)
	c.SendText("/start")
	wait()
	for _, a := range answers {
		msgID, data := findButton(t, c.Messages(), a)
		c.Press(msgID, data)
		wait()
	}
	var s strings.Builder
	for _, m := range c.Messages() {
		s.WriteString(m.Text + "\n---\n")
	}
	return s.String()
}

// findButton is the newest message's button that answers a.
func findButton(t *testing.T, msgs []tgfake.Message, a choice) (int, string) {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if tok, ok := flows.ParseToken(b.CallbackData); ok && tok.Kind == flows.TokAnswer && tok.Step == a.step && tok.Choice == a.id {
					return msgs[i].ID, b.CallbackData
				}
			}
		}
	}
	t.Fatalf("telegram: no button for %s=%s", a.step, a.id)
	return 0, ""
}

// webTranscript posts each answer's button and returns the replies of
// every page, as a browser without JavaScript shows them.
func webTranscript(t *testing.T, v *visit, answers []choice) string {
	var s strings.Builder
	v.get()
	s.WriteString(replyText(t, v.page) + "---\n")
	for _, a := range answers {
		data := ""
		for _, b := range buttons(t, v.page) {
			if tok, ok := flows.ParseToken(b.data); ok && tok.Kind == flows.TokAnswer && tok.Step == a.step && tok.Choice == a.id {
				data = b.data
			}
		}
		if data == "" {
			t.Fatalf("web: no button for %s=%s on:\n%s", a.step, a.id, v.text())
		}
		v.post("/", url.Values{"d": {data}})
		s.WriteString(replyText(t, v.page) + "---\n")
	}
	return s.String()
}

// replyText is the text of a page's replies (its sections), a line per
// paragraph line or list item, without the buttons.
func replyText(t *testing.T, page string) string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode && n.Data == "form" {
			return
		}
		in = in || n.Type == html.ElementNode && n.Data == "section"
		if in && n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
		if in && n.Type == html.ElementNode {
			switch n.Data {
			case "p", "li", "h2", "br":
				b.WriteString("\n")
			case "ul", "ol":
				b.WriteString("")
			}
		}
	}
	walk(doc, false)
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
