package tgfake

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// CommandsKey identifies one command list: setMyCommands keeps a separate
// list per scope and language, and getMyCommands does not fall back.
type CommandsKey struct {
	// Scope is "default", "all_private_chats", "all_group_chats",
	// "all_chat_administrators", "chat:<id>", "chat_administrators:<id>" or
	// "chat_member:<chat id>:<user id>".
	Scope        string
	LanguageCode string // "" or two lowercase letters
}

// Commands returns every stored command list.
func (s *Server) Commands() map[CommandsKey][]Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[CommandsKey][]Command, len(s.commands))
	for k, v := range s.commands {
		out[k] = append([]Command(nil), v...)
	}
	return out
}

// commandsKey parses scope and language_code. Call with s.mu held (chat
// scopes must name a known chat).
func (s *Server) commandsKey(p params) (CommandsKey, *apiError) {
	if aerr := checkLanguageCode(p["language_code"]); aerr != nil {
		return CommandsKey{}, aerr
	}
	key := CommandsKey{Scope: "default", LanguageCode: p["language_code"]}
	if !p.has("scope") {
		return key, nil
	}
	var sc struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID int64           `json:"user_id"`
	}
	if json.Unmarshal([]byte(p["scope"]), &sc) != nil {
		return key, badRequest("can't parse BotCommandScope JSON object")
	}
	switch sc.Type {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		key.Scope = sc.Type
		return key, nil
	case "chat", "chat_administrators", "chat_member":
	default:
		return key, badRequest("unsupported bot command scope type")
	}
	var idText string
	if json.Unmarshal(sc.ChatID, &idText) != nil {
		idText = string(sc.ChatID)
	}
	cs, aerr := s.chatFor(params{"chat_id": idText})
	if aerr != nil {
		return key, aerr
	}
	key.Scope = fmt.Sprintf("%s:%d", sc.Type, cs.id)
	if sc.Type == "chat_member" {
		if sc.UserID == 0 {
			return key, badRequest("invalid user_id specified")
		}
		key.Scope += fmt.Sprintf(":%d", sc.UserID)
	}
	return key, nil
}

func (s *Server) setMyCommands(_ *http.Request, p params) (any, *apiError) {
	cmds, aerr := parseCommands(p["commands"])
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key, aerr := s.commandsKey(p)
	if aerr != nil {
		return nil, aerr
	}
	if len(cmds) == 0 {
		delete(s.commands, key) // an empty list is a delete, as in the real API
	} else {
		s.commands[key] = cmds
	}
	return true, nil
}
