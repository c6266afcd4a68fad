package tgfake

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestFailNextTooManyRequests(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	b := newBot(t, srv)
	srv.FailNext("sendMessage", 429, 7, "")
	_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat.ID, Text: "x"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Fatalf("err = %v", err)
	}
	if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat.ID, Text: "x"}); err != nil {
		t.Fatalf("second call should pass: %v", err)
	}
	if st := srv.Stats(); st.Injected != 1 || st.Rejections != 0 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestBlockedChat(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	b := newBot(t, srv)
	srv.Block(chat.ID)
	_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat.ID, Text: "x"})
	if !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("err = %v", err)
	}
	srv.Unblock(chat.ID)
	if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat.ID, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.Forbidden != 1 || st.Rejections != 0 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestCallbackAnsweredOnce(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	qid := chat.Press(1, "x")
	b := newBot(t, srv)
	params := &bot.AnswerCallbackQueryParams{CallbackQueryID: qid, Text: "OK", ShowAlert: true}
	if _, err := b.AnswerCallbackQuery(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	if a, ok := chat.Answer(qid); !ok || a.Text != "OK" || !a.ShowAlert {
		t.Fatalf("answer = %+v", a)
	}
	if _, err := b.AnswerCallbackQuery(context.Background(), params); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("second answer: %v", err)
	}
}

func TestCommands(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	b := newBot(t, srv)
	ctx := context.Background()
	cmds := []models.BotCommand{{Command: "start", Description: "Mulai"}, {Command: "help", Description: "Bantuan"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: "id"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds[:1], Scope: &models.BotCommandScopeChat{ChatID: chat.ID}}); err != nil {
		t.Fatal(err)
	}
	got := srv.Commands()
	if len(got[CommandsKey{"default", "id"}]) != 2 || got[CommandsKey{fmt.Sprintf("chat:%d", chat.ID), ""}][0].Command != "start" {
		t.Fatalf("commands = %+v", got)
	}
	if _, ok := got[CommandsKey{"default", "en"}]; ok || len(got) != 2 {
		t.Fatalf("a list for a language nobody set: %+v", got)
	}
	// An empty list deletes, as in the real API.
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{}, LanguageCode: "id"}); err != nil {
		t.Fatal(err)
	}
	if len(srv.Commands()) != 1 {
		t.Fatalf("delete failed: %+v", srv.Commands())
	}
	srv.AssertNoRejections(t)
}

func TestRateCheck(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	b := newBot(t, srv)
	for i := 0; i < 8; i++ {
		if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat.ID, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if st := srv.Stats(); st.ChatRateExceeded < 2 || st.Rejections != 0 {
		t.Fatalf("stats = %+v", st)
	}

	strict := New(WithEnforcedRateLimits())
	defer strict.Close()
	chat = strict.NewPrivateChat("id")
	b = newBot(t, strict)
	var err error
	for i := 0; i < 8 && err == nil; i++ {
		_, err = b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat.ID, Text: "x"})
	}
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter < 1 || len(strict.Rejections()) != 1 {
		t.Fatalf("err = %v, rejections %v", err, strict.Rejections())
	}
}
