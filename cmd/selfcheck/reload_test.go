package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/internal/testkit/testcore"
)

// copyDir copies the YAML files of src into a new temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(src, "*.yaml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func edit(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("%s: no %q (%v)", file, old, err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReloadOnHUP: SIGHUP swaps in edited flows and messages; an edit that
// does not validate is refused and the old content keeps serving.
func TestReloadOnHUP(t *testing.T) {
	cfg := &Config{FlowsDir: copyDir(t, "../../flows"), LocalesDir: copyDir(t, "../../locales")}
	core := testcore.New(t, cfg.source()).Core
	logs := &syncBuffer{}
	reloaded := logs.when("reloaded flows and messages")
	log := slog.New(slog.NewTextHandler(logs, nil))
	welcome := func() string {
		resp := core.Handle(context.Background(), convo.Request{ChatID: 1, Kind: convo.KindCommand, Command: "start", LangHint: "en"})
		return resp.Replies[len(resp.Replies)-1].Text()
	}
	if !strings.Contains(welcome(), "What would you like to do?") {
		t.Fatalf("welcome: %q", welcome())
	}

	// Hold SIGHUP ourselves first, so a signal sent before reloadOnHUP is
	// listening cannot end the test process.
	hold := make(chan os.Signal, 1)
	signal.Notify(hold, syscall.SIGHUP)
	defer signal.Stop(hold)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := reloadOnHUP(ctx, cfg, core, log) // listening from here on

	en := filepath.Join(cfg.LocalesDir, "en.yaml")
	edit(t, en, "What would you like to do?", "What shall we check?")
	_ = syscall.Kill(os.Getpid(), syscall.SIGHUP)
	select {
	case <-reloaded:
	case <-time.After(5 * time.Second):
		t.Fatalf("SIGHUP did not reload the edited messages:\n%s", logs)
	}
	if got := welcome(); !strings.Contains(got, "What shall we check?") {
		t.Fatalf("after the reload: %q", got)
	}

	// Stop listening first, so that the reloads below are the test's own.
	cancel()
	<-stopped
	edit(t, filepath.Join(cfg.FlowsDir, "offer-check.yaml"), "next: data", "next: nowhere")
	edit(t, en, "What shall we check?", "Broken edit")
	if reload(cfg, core, log) {
		t.Fatal("a flow with a dangling next was accepted")
	}
	if got := welcome(); !strings.Contains(got, "What shall we check?") {
		t.Errorf("after a refused reload the old content should serve, got %q", got)
	}
}
