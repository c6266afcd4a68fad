package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
)

// A setting is declared once, in the list in config.go: its flag, its
// environment variable, its default, its help and the commands that take
// it. The flags, the environment parsing, --help and the README's
// configuration table are all made from that list (nyaruka/courier's
// habit), so they cannot drift apart.
type setting struct {
	Flag    string   // flag name, without dashes
	Env     string   // environment variable
	Default string   // the value without flag or variable, parsed as they are; "" for none
	None    string   // when Default is "": what happens without it (README's default column)
	Help    string   // one line of Markdown; --help shows it without backticks
	Secret  bool     // a password, token or key: its value is never printed
	Cmds    []string // the subcommands that take it
	// Set parses a value into the Config. Given the default, the
	// environment's value and the flag's, in that order, so the flag wins.
	Set func(c *Config, v string) error
}

// bind declares the settings that cmd takes as flags of fs and sets c from
// their defaults and the environment. A variable that does not parse is
// kept for checkEnv: the command stops with status 2 and names it.
func (c *Config) bind(fs *flag.FlagSet, cmd string) {
	for _, s := range settings {
		if !slices.Contains(s.Cmds, cmd) {
			continue
		}
		if s.Default != "" {
			if err := s.Set(c, s.Default); err != nil {
				panic(fmt.Sprintf("setting %s: default %q: %v", s.Env, s.Default, err)) // a mistake in the list, caught by TestSettingsDefaultsParse
			}
		}
		if v := os.Getenv(s.Env); v != "" {
			c.markGiven(s.Env)
			if err := s.Set(c, v); err != nil {
				shown := fmt.Sprintf("%q", v)
				if s.Secret {
					shown = "(hidden)"
				}
				c.envErr = errors.Join(c.envErr, fmt.Errorf("%s %s: %w", s.Env, shown, err))
			}
		}
		fs.Func(s.Flag, s.usage(), func(v string) error { c.markGiven(s.Env); return s.Set(c, v) })
	}
}

func (c *Config) markGiven(env string) {
	if c.givenSet == nil {
		c.givenSet = map[string]bool{}
	}
	c.givenSet[env] = true
}

// given reports whether the setting of this environment variable was
// given, as the variable or as its flag, rather than left at its default.
func (c *Config) given(env string) bool { return c.givenSet[env] }

// checkEnv reports the environment variables whose values do not parse.
func (c *Config) checkEnv() error { return c.envErr }

// usage is the flag's line in --help: the help, the variable and the
// default (never the environment's value, which may be a secret).
func (s setting) usage() string {
	u := strings.ReplaceAll(s.Help, "`", "") + " (env " + s.Env + ")"
	if s.Default != "" {
		u += fmt.Sprintf(" (default %q)", s.Default)
	}
	return u
}

// settingsTable is the README's configuration table, made from the list.
func settingsTable() string {
	var b strings.Builder
	b.WriteString("| variable | flag | default | commands | meaning |\n|---|---|---|---|---|\n")
	for _, s := range settings {
		def := s.None
		if s.Default != "" {
			def = "`" + s.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | `--%s` | %s | %s | %s |\n", s.Env, s.Flag, def, strings.Join(s.Cmds, ", "), s.Help)
	}
	return b.String()
}
