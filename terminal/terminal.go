// Package terminal is the command-line channel: it prints each question
// with numbered choices and reads the user's typed answers. It is a thin
// adapter over the conversation core, like the Telegram one, which makes it
// the quickest way to try a flow and the basis of the golden transcripts.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/selfcheck-id/selfcheck/convo"
)

// Handler is the part of the core the terminal needs.
type Handler interface {
	Handle(ctx context.Context, req convo.Request) convo.Response
}

// Options configure a terminal conversation.
type Options struct {
	// Lang is the language to start in (one of locales.Languages).
	Lang string
	// Echo prints each input line after the prompt, so that a transcript of
	// piped input reads like the conversation.
	Echo bool
	// Stay keeps the conversation open after a verdict (the default ends
	// the program there, one check per run).
	Stay bool
}

// chatID is the one chat of a terminal session.
const chatID = 1

// Run holds one conversation on in and out until the check ends or the
// input does. It returns nil at the end of input.
func Run(ctx context.Context, h Handler, in io.Reader, out io.Writer, opt Options) error {
	t := &term{h: h, out: bufio.NewWriter(out), opt: opt}
	defer t.out.Flush()
	done := t.send(ctx, convo.Request{Kind: convo.KindCommand, Command: convo.CmdStart})
	lines := bufio.NewScanner(in)
	for !done || opt.Stay {
		t.prompt()
		if !lines.Scan() {
			fmt.Fprintln(t.out)
			return lines.Err()
		}
		line := strings.TrimSpace(lines.Text())
		if opt.Echo {
			fmt.Fprintln(t.out, line)
		}
		if line == "" {
			continue
		}
		if line == PasteMark {
			// A pasted ad of several lines is one message, as on Telegram.
			text, ok := t.paste(lines, opt.Echo)
			if !ok {
				fmt.Fprintln(t.out)
				return lines.Err()
			}
			done = t.send(ctx, convo.Request{Kind: convo.KindText, Text: text})
			continue
		}
		done = t.send(ctx, t.request(line))
	}
	return nil
}

// PasteMark on a line of its own starts and ends a message of several
// lines (a pasted job ad): without it each line is a message.
const PasteMark = `"""`

// paste reads lines up to the closing PasteMark and returns them as one
// text; ok is false when the input ends first.
func (t *term) paste(lines *bufio.Scanner, echo bool) (string, bool) {
	var b strings.Builder
	for lines.Scan() {
		line := lines.Text()
		if echo {
			fmt.Fprintln(t.out, line)
		}
		if strings.TrimSpace(line) == PasteMark {
			return b.String(), true
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String(), false
}

type term struct {
	h       Handler
	out     *bufio.Writer
	opt     Options
	buttons []convo.Button // the numbered buttons on screen
}

// request turns a typed line into a request: /command, a button's number,
// or text for the core to match.
func (t *term) request(line string) convo.Request {
	if name, ok := strings.CutPrefix(line, "/"); ok {
		name, arg, _ := strings.Cut(name, " ")
		return convo.Request{Kind: convo.KindCommand, Command: name, Text: arg}
	}
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(t.buttons) {
		return convo.Request{Kind: convo.KindButton, Data: t.buttons[n-1].Data}
	}
	return convo.Request{Kind: convo.KindText, Text: line}
}

func (t *term) send(ctx context.Context, req convo.Request) bool {
	req.ChatID, req.LangHint = chatID, t.opt.Lang
	resp := t.h.Handle(ctx, req)
	if resp.Toast != "" {
		fmt.Fprintf(t.out, "(%s)\n", resp.Toast)
	}
	for _, r := range resp.Replies {
		t.print(r)
	}
	return resp.Done
}

func (t *term) print(r convo.Reply) {
	fmt.Fprintln(t.out)
	if r.Head != "" {
		fmt.Fprintf(t.out, "[%s]\n", r.Head)
	}
	fmt.Fprintln(t.out, r.Body)
	var numbered []convo.Button
	for _, row := range r.Buttons {
		for _, b := range row {
			if b.URL != "" {
				fmt.Fprintf(t.out, "   %s: %s\n", b.Label, b.URL)
				continue
			}
			numbered = append(numbered, b)
			fmt.Fprintf(t.out, "  %d) %s\n", len(numbered), b.Label)
		}
	}
	if len(numbered) > 0 {
		t.buttons = numbered
	}
}

func (t *term) prompt() {
	fmt.Fprint(t.out, "> ")
	t.out.Flush()
}
