package tgfake

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

type webhookState struct {
	url            string
	secret         string
	maxConnections int
	allowed        []string
	lastErrorAt    time.Time
	lastError      string
	inFlight       int // deliveries running now, at most maxConnections
}

// WebhookInfo is the fake's view of the webhook, for assertions.
type WebhookInfo struct {
	URL            string
	SecretToken    string
	MaxConnections int
	AllowedUpdates []string
	PendingUpdates int
	LastError      string
	LastErrorAt    time.Time
	Delivered      int
	Failed         int
	Dropped        int
}

// Webhook returns the current webhook settings and delivery counters.
func (s *Server) Webhook() WebhookInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hook
	return WebhookInfo{
		URL: h.url, SecretToken: h.secret, MaxConnections: h.maxConnections,
		AllowedUpdates: append([]string(nil), h.allowed...), PendingUpdates: len(s.updates.items),
		LastError: h.lastError, LastErrorAt: h.lastErrorAt,
		Delivered: s.stats.WebhookDelivered, Failed: s.stats.WebhookFailed, Dropped: s.stats.WebhookDropped,
	}
}

// checkWebhookURL applies Telegram's rules (HTTPS, ports 443/80/88/8443)
// except that plain http to a loopback host is allowed, so that a test's
// httptest.Server can receive deliveries.
func checkWebhookURL(raw string) *apiError {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return badRequest("bad webhook: Failed to resolve host: Name or service not known")
	}
	host, port := u.Hostname(), u.Port()
	loopback := host == "localhost"
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		loopback = true
	}
	if loopback {
		return nil
	}
	if u.Scheme != "https" {
		return badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	switch port {
	case "", "443", "80", "88", "8443":
		return nil
	}
	return badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
}

func (s *Server) setWebhook(_ *http.Request, p params) (any, *apiError) {
	if aerr := checkSecretToken(p["secret_token"]); aerr != nil {
		return nil, aerr
	}
	if p["url"] == "" {
		return s.deleteWebhook(nil, p)
	}
	if aerr := checkWebhookURL(p["url"]); aerr != nil {
		return nil, aerr
	}
	maxConn, ok := p.int64Param("max_connections")
	if !ok || maxConn < 0 || maxConn > 100 {
		return nil, badRequest("bad webhook: max_connections must be between 1 and 100")
	}
	if maxConn == 0 {
		maxConn = 40
	}
	allowed, aerr := parseAllowed(p["allowed_updates"])
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.boolParam("drop_pending_updates") {
		s.updates.clear()
	}
	same := s.hook.url == p["url"] && s.hook.secret == p["secret_token"]
	s.hook = webhookState{
		url: p["url"], secret: p["secret_token"], maxConnections: int(maxConn), allowed: allowed,
		inFlight: s.hook.inFlight, // deliveries already running still finish
	}
	s.updates.pollGen++ // a waiting getUpdates now answers 409
	s.broadcast()
	if same {
		return described{true, "Webhook is already set"}, nil
	}
	return described{true, "Webhook was set"}, nil
}

func (s *Server) deleteWebhook(_ *http.Request, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.boolParam("drop_pending_updates") {
		s.updates.clear()
	}
	was := s.hook.url != ""
	s.hook = webhookState{inFlight: s.hook.inFlight}
	s.broadcast()
	if !was {
		return described{true, "Webhook is already deleted"}, nil
	}
	return described{true, "Webhook was deleted"}, nil
}

// webhookWorker dispatches queued updates to the webhook: up to
// max_connections POSTs at once, but one at a time per chat so a chat's
// updates keep their order. A failed delivery is retried with exponential
// backoff up to the retry bound, then dropped, as Telegram does (over a
// longer period).
func (s *Server) webhookWorker() {
	var running sync.WaitGroup
	defer close(s.workerDone)
	defer running.Wait() // Close cancelled s.ctx, so running POSTs end quickly
	for {
		item, target, secret, ok := s.nextDelivery()
		if !ok {
			return
		}
		running.Add(1)
		go func() {
			defer running.Done()
			err := s.postUpdate(target, secret, item.body)
			if s.observeHook != nil {
				s.observeHook(Delivery{UpdateID: item.id, ChatID: item.chatID, OK: err == nil,
					Attempt: item.attempts + 1, Queued: item.queued, At: time.Now()})
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			s.recordDelivery(item.id, err)
		}()
	}
}

// nextDelivery waits until some update may be POSTed and marks it in flight;
// ok is false when the server is closing.
func (s *Server) nextDelivery() (item queuedUpdate, target, secret string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		select {
		case <-s.closing:
			return queuedUpdate{}, "", "", false
		default:
		}
		i, retryIn := s.deliverable()
		if i >= 0 {
			s.updates.items[i].inFlight = true
			s.hook.inFlight++
			return *s.updates.items[i], s.hook.url, s.hook.secret, true
		}
		var timer *time.Timer
		var wake <-chan time.Time
		if retryIn > 0 {
			timer = time.NewTimer(retryIn)
			wake = timer.C
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-wake:
		case <-s.closing:
		}
		if timer != nil {
			timer.Stop()
		}
		s.mu.Lock()
	}
}

// deliverable finds the first update that may go out now, or -1 and how
// long until a backed-off one may. Call with s.mu held.
func (s *Server) deliverable() (int, time.Duration) {
	if s.hook.url == "" || s.hook.inFlight >= s.hook.maxConnections {
		return -1, 0
	}
	s.updates.deleteWhere(func(u *queuedUpdate) bool {
		return !u.inFlight && !allowedKind(s.hook.allowed, u.kind)
	})
	now := time.Now()
	var soonest time.Duration
	var busy map[int64]bool // chats with an earlier update still queued
	for i, u := range s.updates.items {
		blocked := false
		if u.chat != nil && u.chat.n > 1 { // only a chat with several queued can be blocked
			if busy == nil {
				busy = map[int64]bool{}
			}
			blocked = busy[u.chatID]
			busy[u.chatID] = true
		}
		switch {
		case u.inFlight || blocked:
		case u.retryAt.After(now):
			if d := u.retryAt.Sub(now); soonest == 0 || d < soonest {
				soonest = d
			}
		default:
			return i, 0
		}
	}
	return -1, soonest
}

// recordDelivery applies the outcome of POSTing update id. The update may
// be gone already (deleteWebhook with drop_pending_updates). Call with s.mu
// held.
func (s *Server) recordDelivery(id int64, err error) {
	defer s.broadcast()
	s.hook.inFlight--
	i := s.updates.index(id)
	if i < 0 {
		return
	}
	u := s.updates.items[i]
	u.inFlight = false
	if err == nil {
		s.updates.deleteAt(i)
		s.stats.WebhookDelivered++
		return
	}
	now := time.Now()
	s.stats.WebhookFailed++
	s.hook.lastError, s.hook.lastErrorAt = err.Error(), now
	u.attempts++
	if u.refused.IsZero() {
		u.refused = now
	}
	giveUp := u.attempts >= s.hookRetries
	wait := s.hookBackoff << min(u.attempts-1, 20)
	if s.hookFor > 0 {
		giveUp = now.Sub(u.refused) > s.hookFor
		wait = min(wait, s.hookMaxWait)
	}
	if giveUp {
		s.updates.deleteAt(i)
		s.stats.WebhookDropped++
		return
	}
	u.retryAt = now.Add(wait)
}

func (s *Server) postUpdate(target, secret string, body []byte) error {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := s.hookClient.Do(req)
	if err != nil {
		return fmt.Errorf("Connection failed: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("Wrong response from the webhook: %s", resp.Status)
	}
	return nil
}
