package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

const wait = 5 * time.Second

type apiResp struct {
	OK          bool            `json:"ok"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Result      json.RawMessage `json:"result"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// post calls a method as multipart/form-data, the way go-telegram/bot does.

func post(t *testing.T, srv *Server, method string, form map[string]string) (int, apiResp) {
	t.Helper()
	code, r, err := postForm(srv, method, form)
	if err != nil {
		t.Fatal(err)
	}
	return code, r
}

// postForm is post for goroutines, where t.Fatal is not allowed.

func postForm(srv *Server, method string, form map[string]string) (int, apiResp, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range form {
		if err := w.WriteField(k, v); err != nil {
			return 0, apiResp{}, err
		}
	}
	if err := w.Close(); err != nil {
		return 0, apiResp{}, err
	}
	return doRaw(srv.URL()+"/bottest:token/"+method, w.FormDataContentType(), &body)
}

func do(t *testing.T, u, contentType string, body io.Reader) (int, apiResp) {
	t.Helper()
	code, r, err := doRaw(u, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	return code, r
}

func doRaw(u, contentType string, body io.Reader) (int, apiResp, error) {
	resp, err := http.Post(u, contentType, body)
	if err != nil {
		return 0, apiResp{}, err
	}
	defer resp.Body.Close()
	var r apiResp
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, apiResp{}, fmt.Errorf("decode %s: %w", u, err)
	}
	return resp.StatusCode, r, nil
}

func newBot(t *testing.T, srv *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	b, err := bot.New("123:abc", append([]bot.Option{bot.WithServerURL(srv.URL()), bot.WithSkipGetMe()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keyboard(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func TestSendMessageWithInlineKeyboardAccepted(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	b := newBot(t, srv)

	msg, err := b.SendMessage(context.Background(), &bot.SendMessageParams{
		ChatID:    chat.ID,
		Text:      "😀 <b>Halo</b> &amp; <a href=\"https://wa.me/62811\">WA</a> &#39;x&#39;",
		ParseMode: models.ParseModeHTML,
		ReplyMarkup: keyboard(
			[]models.InlineKeyboardButton{{Text: "Ya", CallbackData: strings.Repeat("k", 64)}, {Text: "Tidak", CallbackData: "no"}},
			[]models.InlineKeyboardButton{{Text: "Web", URL: "https://example.com/a?b=c"}, {Text: "App", URL: "tg://resolve?domain=x"}},
		),
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if msg.Text != "😀 Halo & WA 'x'" || msg.Chat.ID != chat.ID || msg.From == nil || !msg.From.IsBot {
		t.Fatalf("unexpected message %+v", msg)
	}
	if len(msg.Entities) != 2 || msg.Entities[0].Type != models.MessageEntityTypeBold || msg.Entities[0].Offset != 3 {
		t.Fatalf("entities (UTF-16 offsets) wrong: %+v", msg.Entities)
	}
	if msg.ReplyMarkup == nil || len(msg.ReplyMarkup.InlineKeyboard) != 2 || msg.ReplyMarkup.InlineKeyboard[1][0].URL == "" {
		t.Fatalf("reply markup not echoed: %+v", msg.ReplyMarkup)
	}
	last := chat.Last()
	if last.ID != msg.ID || last.ParseMode != "HTML" || last.Buttons[0][1].CallbackData != "no" || last.Buttons[1][0].Kind != "url" {
		t.Fatalf("Last() = %+v", last)
	}
	srv.AssertNoRejections(t)
	if srv.Calls("sendMessage") != 1 || srv.Stats().MessagesSent != 1 {
		t.Fatalf("calls %d, stats %+v", srv.Calls("sendmessage"), srv.Stats())
	}
}

// fixture is a chat with one bot message (id 1) carrying a keyboard and one

// pressed callback query.

type fixture struct {
	chat    *Chat
	queryID string
}

const fixtureMarkup = `{"inline_keyboard":[[{"text":"A","callback_data":"a","copy_text":{"text":""}}]]}`

func TestRejections(t *testing.T) {
	longText := strings.Repeat("a", 4097)
	emoji4098 := strings.Repeat("😀", 2049) // 2049 runes, 4098 UTF-16 units
	buttons101 := `{"inline_keyboard":[[` + strings.TrimSuffix(strings.Repeat(`{"text":"x","callback_data":"x"},`, 101), ",") + `]]}`
	var cmds101 []string
	for i := 0; i < 101; i++ {
		cmds101 = append(cmds101, fmt.Sprintf(`{"command":"c%d","description":"d"}`, i))
	}
	send := func(extra map[string]string) func(fixture) map[string]string {
		return func(f fixture) map[string]string {
			p := map[string]string{"chat_id": strconv.FormatInt(f.chat.ID, 10), "text": "hi"}
			for k, v := range extra {
				p[k] = v
			}
			return p
		}
	}
	edit := func(extra map[string]string) func(fixture) map[string]string {
		return func(f fixture) map[string]string {
			p := map[string]string{"chat_id": strconv.FormatInt(f.chat.ID, 10), "message_id": "1"}
			for k, v := range extra {
				p[k] = v
			}
			return p
		}
	}
	fixed := func(p map[string]string) func(fixture) map[string]string {
		return func(fixture) map[string]string { return p }
	}
	tests := []struct {
		name, method string
		params       func(fixture) map[string]string
		code         int
		desc         string
	}{
		{"no chat_id", "sendMessage", fixed(map[string]string{"text": "hi"}), 400, "Bad Request: chat_id is empty"},
		{"unknown chat", "sendMessage", fixed(map[string]string{"chat_id": "42", "text": "hi"}), 400, "Bad Request: chat not found"},
		{"username chat", "sendMessage", fixed(map[string]string{"chat_id": "@nobody", "text": "hi"}), 400, "Bad Request: chat not found"},
		{"empty text", "sendMessage", send(map[string]string{"text": ""}), 400, "Bad Request: message text is empty"},
		{"empty after parsing", "sendMessage", send(map[string]string{"text": "<b> </b>", "parse_mode": "HTML"}), 400, "Bad Request: message text is empty"},
		{"too long", "sendMessage", send(map[string]string{"text": longText}), 400, "Bad Request: message is too long"},
		{"too long in UTF-16", "sendMessage", send(map[string]string{"text": emoji4098}), 400, "Bad Request: message is too long"},
		{"bad parse_mode", "sendMessage", send(map[string]string{"parse_mode": "html5"}), 400, "Bad Request: unsupported parse_mode"},
		{"unescaped <", "sendMessage", send(map[string]string{"text": "1 < 2", "parse_mode": "HTML"}), 400, `Bad Request: can't parse entities: unsupported start tag "" at byte offset 2`},
		{"unknown tag", "sendMessage", send(map[string]string{"text": "<div>x</div>", "parse_mode": "HTML"}), 400, `Bad Request: can't parse entities: unsupported start tag "div" at byte offset 0`},
		{"unclosed tag", "sendMessage", send(map[string]string{"text": "<b>x", "parse_mode": "HTML"}), 400, `Bad Request: can't parse entities: can't find end tag corresponding to start tag "b"`},
		{"unmatched end tag", "sendMessage", send(map[string]string{"text": "<b>x</i>", "parse_mode": "HTML"}), 400, "Bad Request: can't parse entities: unmatched end tag"},
		{"stray end tag", "sendMessage", send(map[string]string{"text": "x</b>", "parse_mode": "HTML"}), 400, "Bad Request: can't parse entities: unexpected end tag"},
		{"bare ampersand", "sendMessage", send(map[string]string{"text": "Tom & Jerry", "parse_mode": "HTML"}), 400, "Bad Request: can't parse entities: unsupported HTML entity"},
		{"named entity", "sendMessage", send(map[string]string{"text": "a&nbsp;b", "parse_mode": "HTML"}), 400, "Bad Request: can't parse entities:"},
		{"span without spoiler", "sendMessage", send(map[string]string{"text": "<span>x</span>", "parse_mode": "HTML"}), 400, "Bad Request: can't parse entities: tag \"span\" must have class"},
		{"markdown not modelled", "sendMessage", send(map[string]string{"text": "*bold*", "parse_mode": "MarkdownV2"}), 400, "tgfake: parse_mode MarkdownV2 is not modelled"},
		{"markup not JSON", "sendMessage", send(map[string]string{"reply_markup": `{"inline_keyboard":[[`}), 400, "Bad Request: can't parse reply keyboard markup JSON object"},
		{"markup not object", "sendMessage", send(map[string]string{"reply_markup": `[1]`}), 400, "Bad Request: object expected as reply markup"},
		{"text-only button", "sendMessage", send(map[string]string{"reply_markup": `{"inline_keyboard":[[{"text":"x","copy_text":{"text":""}}]]}`}), 400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"empty callback_data", "sendMessage", send(map[string]string{"reply_markup": `{"inline_keyboard":[[{"text":"x","callback_data":""}]]}`}), 400, "Text buttons are unallowed"},
		{"empty button text", "sendMessage", send(map[string]string{"reply_markup": `{"inline_keyboard":[[{"text":"","callback_data":"x"}]]}`}), 400, "Bad Request: BUTTON_TEXT_INVALID"},
		{"two actions", "sendMessage", send(map[string]string{"reply_markup": `{"inline_keyboard":[[{"text":"x","callback_data":"x","url":"https://a.b"}]]}`}), 400, "exactly one of the optional fields"},
		{"callback_data 65 bytes", "sendMessage", send(map[string]string{"reply_markup": `{"inline_keyboard":[[{"text":"x","callback_data":"` + strings.Repeat("é", 32) + `a"}]]}`}), 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"tel url", "sendMessage", send(map[string]string{"reply_markup": `{"inline_keyboard":[[{"text":"x","url":"tel:+62811"}]]}`}), 400, "Bad Request: inline keyboard button URL 'tel:+62811' is invalid: Unsupported URL protocol"},
		{"schemeless url", "sendMessage", send(map[string]string{"reply_markup": `{"inline_keyboard":[[{"text":"x","url":"wa.me/62811"}]]}`}), 400, "Unsupported URL protocol"},
		{"101 buttons", "sendMessage", send(map[string]string{"reply_markup": buttons101}), 400, "Bad Request: reply markup is too long"},
		{"reply to missing", "sendMessage", send(map[string]string{"reply_parameters": `{"message_id":999}`}), 400, "Bad Request: message to be replied not found"},
		{"answer unknown query", "answerCallbackQuery", fixed(map[string]string{"callback_query_id": "123"}), 400, "Bad Request: query is too old and response timeout expired or query ID is invalid"},
		{"answer text too long", "answerCallbackQuery", func(f fixture) map[string]string {
			return map[string]string{"callback_query_id": f.queryID, "text": strings.Repeat("x", 201)}
		}, 400, "Bad Request: MESSAGE_TOO_LONG"},
		{"edit missing message", "editMessageText", edit(map[string]string{"message_id": "99", "text": "x"}), 400, "Bad Request: message to edit not found"},
		{"edit user message", "editMessageText", edit(map[string]string{"message_id": "2", "text": "x"}), 400, "Bad Request: message can't be edited"},
		{"edit not modified", "editMessageText", edit(map[string]string{"text": "start", "reply_markup": fixtureMarkup}), 400, "Bad Request: " + errNotModified},
		{"method the bot never calls", "editMessageReplyMarkup", edit(map[string]string{"reply_markup": fixtureMarkup}), 404, "Not Found"},
		{"command uppercase", "setMyCommands", fixed(map[string]string{"commands": `[{"command":"Start","description":"d"}]`}), 400, "Bad Request: BOT_COMMAND_INVALID"},
		{"command too long", "setMyCommands", fixed(map[string]string{"commands": `[{"command":"` + strings.Repeat("a", 33) + `","description":"d"}]`}), 400, "Bad Request: BOT_COMMAND_INVALID"},
		{"command empty description", "setMyCommands", fixed(map[string]string{"commands": `[{"command":"start","description":""}]`}), 400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"},
		{"command description 257", "setMyCommands", fixed(map[string]string{"commands": `[{"command":"start","description":"` + strings.Repeat("d", 257) + `"}]`}), 400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"},
		{"101 commands", "setMyCommands", fixed(map[string]string{"commands": "[" + strings.Join(cmds101, ",") + "]"}), 400, "Bad Request: BOT_COMMANDS_TOO_MUCH"},
		{"command language tag", "setMyCommands", fixed(map[string]string{"commands": `[{"command":"start","description":"d"}]`, "language_code": "en-US"}), 400, "Bad Request: LANG_CODE_INVALID"},
		{"webhook secret chars", "setWebhook", fixed(map[string]string{"url": "https://example.com/hook", "secret_token": "a+b/c="}), 400, "Bad Request: secret token contains unallowed characters"},
		{"webhook secret length", "setWebhook", fixed(map[string]string{"url": "https://example.com/hook", "secret_token": strings.Repeat("a", 257)}), 400, "Bad Request: secret token is too long"},
		{"webhook http", "setWebhook", fixed(map[string]string{"url": "http://example.com/hook"}), 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"},
		{"unknown method", "sendTelepathy", fixed(map[string]string{}), 404, "Not Found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := New()
			defer srv.Close()
			f := fixture{chat: srv.NewPrivateChat("id")}
			code, r := post(t, srv, "sendMessage", map[string]string{
				"chat_id": strconv.FormatInt(f.chat.ID, 10), "text": "start", "reply_markup": fixtureMarkup,
			})
			if code != 200 {
				t.Fatalf("fixture send: %d %s", code, r.Description)
			}
			f.chat.SendText("user message") // message 2
			f.queryID = f.chat.Press(1, "a")

			code, r = post(t, srv, tc.method, tc.params(f))
			if code != tc.code || r.OK || r.ErrorCode != tc.code || !strings.Contains(r.Description, tc.desc) {
				t.Fatalf("got %d %+v, want %d %q", code, r, tc.code, tc.desc)
			}
			rej := srv.Rejections()
			if len(rej) != 1 || rej[0].Method != tc.method || rej[0].Code != tc.code || rej[0].Description != r.Description {
				t.Fatalf("rejections = %v", rej)
			}
		})
	}
}

func TestAcceptedEdgeCases(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("en-US")
	id := strconv.FormatInt(chat.ID, 10)
	cases := []map[string]string{
		{"text": strings.Repeat("😀", 2048)},                                        // 4096 UTF-16 units
		{"text": "<b>" + strings.Repeat("a", 4096) + "</b>", "parse_mode": "html"}, // limit applies after parsing
		{"text": "a &lt; b &gt; c &quot;d&quot; &#x1F600; &#128512;", "parse_mode": "HTML"},
		{"text": `<pre><code class="language-go">x := 1</code></pre> <tg-spoiler>s</tg-spoiler> <span class="tg-spoiler">s</span> <blockquote expandable>q</blockquote>`, "parse_mode": "HTML"},
		{"text": "menu", "reply_markup": `{"keyboard":[["a",{"text":"b"}]],"resize_keyboard":true}`},
		{"text": "bye", "reply_markup": `{"remove_keyboard":true}`},
	}
	for _, p := range cases {
		p["chat_id"] = id
		if code, r := post(t, srv, "sendMessage", p); code != 200 || !r.OK {
			t.Errorf("%q: %d %s", p["text"], code, r.Description)
		}
	}
	msgs := chat.Messages()
	if msgs[3].Entities[0].Type != "pre" || msgs[3].Entities[0].Language != "go" {
		t.Errorf("pre/code language not merged: %+v", msgs[3].Entities)
	}
	if msgs[4].Keyboard[0][1] != "b" {
		t.Errorf("reply keyboard = %+v", msgs[4].Keyboard)
	}
	srv.AssertNoRejections(t)
}

func TestRequestEncodings(t *testing.T) {
	srv := New()
	defer srv.Close()
	chat := srv.NewPrivateChat("id")
	u := srv.URL() + "/botX/sendMessage"

	form := url.Values{"chat_id": {strconv.FormatInt(chat.ID, 10)}, "text": {"urlencoded"}}
	if code, r := do(t, u, "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); code != 200 {
		t.Fatalf("urlencoded: %d %s", code, r.Description)
	}
	body := fmt.Sprintf(`{"chat_id":%d,"text":"json","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`, chat.ID)
	if code, r := do(t, u, "application/json", strings.NewReader(body)); code != 200 {
		t.Fatalf("json: %d %s", code, r.Description)
	}
	if code, r := do(t, srv.URL()+"/botX/getMe", "application/json", nil); code != 200 || !strings.Contains(string(r.Result), DefaultBotUsername) {
		t.Fatalf("getMe: %d %s", code, r.Result)
	}
	if m := chat.Last(); m.Text != "json" || m.Buttons[0][0].CallbackData != "a" {
		t.Fatalf("json message = %+v", m)
	}
	srv.AssertNoRejections(t)
}

func TestWrongToken(t *testing.T) {
	srv := New(WithToken("123:right"), WithBotUsername("@other_bot"))
	defer srv.Close()
	b, err := bot.New("123:wrong", bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetMe(context.Background()); !errors.Is(err, bot.ErrorUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	b, err = bot.New("123:right", bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(context.Background())
	if err != nil || me.Username != "other_bot" || me.ID != 123 {
		t.Fatalf("getMe = %+v, %v", me, err)
	}
}
