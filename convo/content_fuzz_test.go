package convo_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
	"github.com/selfcheck-id/selfcheck/session"
)

// FuzzContentMessages loads the mini flow with the English welcome and
// progress texts replaced by anything at all, the way a reload takes in an
// edited file. Either the content is refused, every problem at a line of a
// file, or a user starting a check reads the text with its values filled
// in: never a template, "<no value>" or a message ID, and never more than
// the text and the values.
func FuzzContentMessages(f *testing.F) {
	for _, s := range [][2]string{
		{"Welcome. Check an offer? Kept {{.Kept}}.", "{{.N}} (+{{.Left}})"},
		{"{{ range 100000000 }}xxxxxxxxxx{{ end }}", "{{.N}}"},
		{"{{ .NoSuchKey }}", "{{ template \"x\" }}"},
		{"{{ .Kept", "{{.N}} {{.Kept}}"},
		{"{{.Country}}{{.Country}}", "}}{{"},
		{"", "{{if .N}}{{.N}}{{end}}"},
	} {
		f.Add(s[0], s[1])
	}
	root := filepath.Join("..", "flows", "testdata")
	fsys := fstest.MapFS{}
	for _, name := range []string{"mini/mini.yaml", "mini/contacts.yaml", "mini-locales/en.yaml", "mini-locales/id.yaml"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			f.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	en := string(fsys["mini-locales/en.yaml"].Data)
	m := miniredis.RunT(f)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	f.Cleanup(func() { rdb.Close() })
	store := session.NewStore(rdb, session.DefaultTTL)
	var chat atomic.Int64
	f.Fuzz(func(t *testing.T, welcome, progress string) {
		files := fstest.MapFS{}
		for k, v := range fsys {
			files[k] = v
		}
		// JSON strings are YAML double-quoted scalars.
		w, _ := json.Marshal(welcome)
		p, _ := json.Marshal(progress)
		text := strings.Replace(en, "q.welcome: Welcome. Check an offer?", "q.welcome: "+string(w), 1)
		text = strings.Replace(text, "ui.progress: '{{.N}} (+{{.Left}})'", "ui.progress: "+string(p), 1)
		files["mini-locales/en.yaml"] = &fstest.MapFile{Data: []byte(text)}
		content, ps := convo.LoadContent(convo.Source{Flows: files, FlowsDir: "mini", Locales: files, LocalesDir: "mini-locales"})
		if len(ps) > 0 {
			for _, p := range ps {
				if p.File == "" || p.Msg == "" {
					t.Fatalf("a problem without a file or a message: %#v", p)
				}
				if strings.HasSuffix(p.File, "en.yaml") && p.Line == 0 && !strings.Contains(p.Msg, "is missing") {
					t.Fatalf("a problem without a line: %v", p)
				}
			}
			return
		}
		core := convo.NewCore(content, store, session.NewKeyer([]byte("fuzz")), testcore.Quiet())
		resp := core.Handle(context.Background(), convo.Request{ChatID: chat.Add(1), Kind: convo.KindCommand, Command: "start", LangHint: "en"})
		var all strings.Builder
		for _, r := range resp.Replies {
			all.WriteString(r.Text())
		}
		got := all.String()
		for _, bad := range []string{"{{", "<no value>", "q.welcome"} {
			if strings.Contains(got, bad) {
				t.Fatalf("the user reads %q:\n%s", bad, got)
			}
		}
		if limit := len(en) + len(welcome)*8 + 4096; len(got) > limit {
			t.Fatalf("the welcome is %d bytes", len(got))
		}
		if n := content.Msgs.Text("en", "ui.progress", false, map[string]any{"N": 3, "Left": 12}); strings.Contains(n, "{{") || len(n) > len(p)+8 {
			t.Fatalf("progress renders as %q", n)
		}
	})
}
