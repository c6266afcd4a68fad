package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestValidateStopsOnSIGTERM: a check that cannot finish (its flow file is
// a pipe nobody writes) ends on SIGTERM, as on Ctrl-C, instead of holding
// the terminal until it is killed.
func TestValidateStopsOnSIGTERM(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "flow.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	// Let the blocked reader go when the test ends, pass or fail.
	defer func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	}()
	ctx, stop := signalContext()
	defer stop()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"validate", fifo}, nil, stdout, stderr) }()
	time.Sleep(100 * time.Millisecond)
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 130 || !strings.Contains(stderr.String(), "validate: stopped") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("validate still runs 5s after SIGTERM")
	}
}
