package tgfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiError is a failed call in the real API's shape. record=false marks
// outcomes that are not the bot's fault (injected faults, a blocked chat, a
// client that went away) so Rejections stays a list of bot mistakes.
type apiError struct {
	code        int
	description string
	retryAfter  int
	noRecord    bool
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: 400, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// described is a successful result that also carries the "description" field,
// as setWebhook and deleteWebhook answers do.
type described struct {
	result      any
	description string
}

type handler func(s *Server, r *http.Request, p params) (any, *apiError)

// methods maps lower-case method names (Telegram matches them
// case-insensitively) to handlers.
var methods = map[string]handler{
	"getme":               (*Server).getMe,
	"getupdates":          (*Server).getUpdates,
	"setwebhook":          (*Server).setWebhook,
	"deletewebhook":       (*Server).deleteWebhook,
	"sendmessage":         (*Server).sendMessage,
	"editmessagetext":     (*Server).editMessageText,
	"answercallbackquery": (*Server).answerCallbackQuery,
	"setmycommands":       (*Server).setMyCommands,
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	token, method, ok := splitPath(r.URL.Path)
	if !ok {
		s.fail(w, "", nil, &apiError{code: 404, description: "Not Found"})
		return
	}
	lower := strings.ToLower(method)
	s.mu.Lock()
	s.calls[lower]++
	s.mu.Unlock()

	if s.token != "" && token != s.token {
		s.fail(w, method, nil, &apiError{code: 401, description: "Unauthorized"})
		return
	}
	h, known := methods[lower]
	if !known {
		s.fail(w, method, nil, &apiError{code: 404, description: "Not Found"})
		return
	}
	p, err := parseParams(r)
	if err != nil {
		s.fail(w, method, p, err)
		return
	}
	if f, ok := s.takeFailure(lower); ok {
		s.fail(w, method, p, &apiError{code: f.code, description: f.description, retryAfter: f.retryAfter, noRecord: true})
		return
	}
	result, aerr := h(s, r, p)
	if aerr != nil {
		s.observeCall(lower, p, aerr.code, arrived)
		s.fail(w, method, p, aerr)
		return
	}
	s.observeCall(lower, p, http.StatusOK, arrived)
	body := map[string]any{"ok": true, "result": result}
	if d, ok := result.(described); ok {
		body["result"], body["description"] = d.result, d.description
	}
	s.mu.Lock()
	odd := s.odd[lower]
	s.mu.Unlock()
	if odd {
		body["result"] = oddShape(body["result"])
	}
	writeJSON(w, http.StatusOK, body)
}

// splitPath takes "/bot<token>/<method>" apart.
func splitPath(path string) (token, method string, ok bool) {
	rest, found := strings.CutPrefix(path, "/bot")
	if !found {
		return "", "", false
	}
	token, method, found = strings.Cut(rest, "/")
	if !found || method == "" || strings.Contains(method, "/") {
		return "", "", false
	}
	return token, method, true
}

func (s *Server) takeFailure(method string) (injectedFailure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failures[method]
	if len(q) == 0 {
		return injectedFailure{}, false
	}
	s.failures[method] = q[1:]
	s.stats.Injected++
	return q[0], true
}

func (s *Server) fail(w http.ResponseWriter, method string, p params, e *apiError) {
	if !e.noRecord {
		s.mu.Lock()
		s.rejections = append(s.rejections, Rejection{
			Method: method, Code: e.code, Description: e.description, Params: p, At: time.Now(),
		})
		s.broadcast()
		s.mu.Unlock()
	}
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.description}
	if e.retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": e.retryAfter}
	}
	writeJSON(w, e.code, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// params are a call's arguments as the Bot API sees them: every value a
// string, JSON-typed values (reply_markup, commands) as their JSON text.
type params map[string]string

// parseParams accepts the three encodings the real API accepts (multipart,
// urlencoded, JSON) plus the query string.
func parseParams(r *http.Request) (params, *apiError) {
	p := params{}
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		err := r.ParseMultipartForm(32 << 20)
		// Read the body to its end (the multipart reader stops at the
		// closing boundary, before a chunked body's last chunk): only
		// then does net/http watch the connection and end r.Context()
		// when the client goes away. Without it a long poll whose bot
		// had shut down looked alive, and was "terminated by other
		// getUpdates request" when the restarted bot polled.
		_, _ = io.Copy(io.Discard, r.Body)
		// A call without parameters (getMe in go-telegram/bot) is a multipart
		// body with no parts at all, which mime/multipart reports as EOF.
		if err != nil && !errors.Is(err, io.EOF) {
			e := badRequest("can't parse multipart/form-data request: %v", err)
			// A body cut short is a client that gave up mid-request (a
			// bot shutting down cancels its long poll): nobody reads the
			// answer, so it is no rejection of what the bot sent.
			e.noRecord = errors.Is(err, io.ErrUnexpectedEOF) || r.Context().Err() != nil
			return p, e
		}
		if r.MultipartForm != nil {
			defer func() { _ = r.MultipartForm.RemoveAll() }()
			for k, v := range r.MultipartForm.Value {
				p[k] = v[0]
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return p, badRequest("can't parse request body: %v", err)
		}
		for k, v := range r.PostForm {
			p[k] = v[0]
		}
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return p, badRequest("can't read request body")
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return p, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return p, badRequest("can't parse JSON object")
		}
		for k, raw := range obj {
			var str string
			switch {
			case string(raw) == "null":
				continue
			case json.Unmarshal(raw, &str) == nil:
				p[k] = str
			default:
				p[k] = string(raw)
			}
		}
	}
	return p, nil
}

// has reports whether a parameter was sent with a non-empty value; the real
// API treats an empty value as absent.
func (p params) has(name string) bool { return p[name] != "" }

// int64Param parses an integer parameter; absent means 0.
func (p params) int64Param(name string) (int64, bool) {
	v := strings.TrimSpace(p[name])
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// boolParam follows the Bot API: "true", "1" and "yes" are true.
func (p params) boolParam(name string) bool {
	switch strings.ToLower(strings.TrimSpace(p[name])) {
	case "true", "1", "yes":
		return true
	}
	return false
}
