package bot

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// maxUpdateBytes bounds a webhook body: real updates are a few KiB.
const maxUpdateBytes = 1 << 20

// shutdownGrace is how long in-flight updates may take at shutdown.
const shutdownGrace = 10 * time.Second

// ShutdownGrace is how long in-flight updates may take at shutdown: the
// webhook server's shutdown and Drain together.
const ShutdownGrace = shutdownGrace

// WebhookHandler serves Telegram's webhook calls. It checks the secret
// header in constant time (401 otherwise, state untouched), bounds the
// body, queues the update and answers 200 at once; the update is handled
// after the answer. The library's own handler answers 200 even for a wrong
// secret, hence this one.
func (b *Bot) WebhookHandler(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var u models.Update
		// Read whole, then decoded in one pass: a json.Decoder reads in
		// small steps and scans twice, which cost a third more per update.
		data, err := readBody(http.MaxBytesReader(w, r.Body, maxUpdateBytes), r.ContentLength)
		if err == nil {
			err = json.Unmarshal(data, &u)
		}
		if err != nil {
			// Never log the body: it holds what the user wrote.
			status := http.StatusBadRequest
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, "bad update", status)
			return
		}
		switch b.chats.offer(&u) {
		case busy:
			// Telegram delivers it again later. A tap is told why the
			// next question is slow now (its answer is not paced).
			b.shed.add(shedBusy)
			b.answerBusy(r.Context(), &u)
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		case closing:
			b.shed.add(shedClosing)
			w.Header().Set("Retry-After", "1")
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// readBody reads a request body of about size bytes (-1: unknown) whole.
func readBody(r io.Reader, size int64) ([]byte, error) {
	var buf bytes.Buffer
	if size > 0 && size <= maxUpdateBytes {
		buf.Grow(int(size) + bytes.MinRead) // ReadFrom wants MinRead free to see the end
	}
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// WebhookPath checks that webhookURL is an https:// URL and returns its
// path, where WebhookHandler is to be served.
func WebhookPath(webhookURL string) (string, error) {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("webhook URL %q: must be an https:// URL", webhookURL)
	}
	if u.Path == "" {
		return "/", nil
	}
	return u.Path, nil
}

// RegisterWebhook registers webhookURL with secret (and the update kinds
// the bot needs) at Telegram, and the command menu. Serve WebhookHandler
// at the URL's path first: Telegram may call it at once.
func (b *Bot) RegisterWebhook(ctx context.Context, webhookURL, secret string) error {
	if _, err := b.api.SetWebhook(ctx, &tg.SetWebhookParams{URL: webhookURL, SecretToken: secret, AllowedUpdates: allowedUpdates}); err != nil {
		return fmt.Errorf("setWebhook: %w", redact(err, b.token))
	}
	if err := b.SetCommands(ctx); err != nil {
		b.log.Warn("setMyCommands failed; commands still work when typed", "err", err)
	}
	return nil
}

// StopAccepting makes the webhook answer 503 to every update from now on
// (Telegram keeps them for the next process): the first step of a
// shutdown, before the server stops and Drain.
func (b *Bot) StopAccepting() { b.chats.close() }

// Drain lets the updates in hand finish, at most grace, once the server
// that brought them has stopped taking more (see finish).
func (b *Bot) Drain(grace time.Duration) { b.finish(grace) }

// Webhook registers webhookURL (with secret) at Telegram and serves it on
// listen until ctx ends; then it stops accepting, lets in-flight updates
// finish (at most shutdownGrace) and returns.
func (b *Bot) Webhook(ctx context.Context, webhookURL, secret, listen string, extra http.Handler) error {
	path, err := WebhookPath(webhookURL)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+path, b.WebhookHandler(secret))
	if extra != nil {
		mux.Handle("/", extra)
	}
	srv := NewServer(mux)
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if err := b.RegisterWebhook(ctx, webhookURL, secret); err != nil {
		// Telegram may call the webhook before setWebhook returns: what
		// was taken (and answered 200) still gets its replies.
		stopping := time.Now()
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		_ = srv.Shutdown(sctx)
		b.finish(shutdownGrace - time.Since(stopping))
		if ctx.Err() != nil {
			return nil // stopped while registering: a shutdown, not a failure
		}
		return err
	}
	b.log.Info("serving webhook", "listen", ln.Addr().String(), "path", path)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Refuse (503) what comes from now on before anything else: Telegram
	// keeps it for the next process; then let what is in hand finish.
	b.chats.close()
	stopping := time.Now()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	b.finish(shutdownGrace - time.Since(stopping))
	return err
}

// NewServer returns an HTTP server for the webhook and the health
// endpoints, with timeouts that cut slow clients off.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second,
	}
}
