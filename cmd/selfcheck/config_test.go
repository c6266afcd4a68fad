package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck-id/selfcheck/internal/testkit/golden"
)

// TestREADMEConfigTable: the README's configuration table is the one made
// from the settings' declarations (go test -update rewrites it).
func TestREADMEConfigTable(t *testing.T) {
	const path = "../../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	start := strings.Index(section, "\n| variable |")
	if start < 0 {
		t.Fatal("README's Configuration section has no table starting | variable |")
	}
	start++
	end := start
	for end < len(section) && section[end] == '|' {
		nl := strings.IndexByte(section[end:], '\n')
		if nl < 0 {
			end = len(section)
			break
		}
		end += nl + 1
	}
	got, want := section[start:end], settingsTable()
	if got == want {
		return
	}
	if golden.Updating() {
		out := before + "\n## Configuration\n" + section[:start] + want + section[end:]
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README's configuration table differs from the settings declared in config.go (go test ./cmd/selfcheck -run TestREADMEConfigTable -update rewrites it):\n%s", golden.FirstDiff(want, got))
}

// TestSettings: every declaration is whole, no flag or variable is declared
// twice, and every default parses.
func TestSettings(t *testing.T) {
	flags, envs := map[string]bool{}, map[string]bool{}
	for _, s := range settings {
		if s.Flag == "" || s.Env == "" || s.Help == "" || s.Set == nil || len(s.Cmds) == 0 {
			t.Errorf("%+v: a setting needs a flag, a variable, help, Set and its commands", s)
		}
		if (s.Default == "") == (s.None == "") {
			t.Errorf("%s: give either a Default or what None means", s.Env)
		}
		if flags[s.Flag] || envs[s.Env] {
			t.Errorf("%s (--%s) is declared twice", s.Env, s.Flag)
		}
		flags[s.Flag], envs[s.Env] = true, true
		if s.Default != "" {
			if err := s.Set(&Config{}, s.Default); err != nil {
				t.Errorf("%s: the default %q does not parse: %v", s.Env, s.Default, err)
			}
		}
	}
}

// TestSettingsSources: a default, then the variable, then the flag; a
// variable that does not parse is named by checkEnv, and a secret's value
// is not shown.
func TestSettingsSources(t *testing.T) {
	for _, s := range settings {
		t.Setenv(s.Env, "")
	}
	for _, tc := range []struct {
		env   map[string]string
		args  []string
		check func(*Config) bool
		bad   string // what checkEnv must name; "" for no error
	}{
		{nil, nil, func(c *Config) bool {
			return c.SessionTTL == 72*time.Hour && c.Listen == ":8080" && c.RateLimits.burst == 4
		}, ""},
		{map[string]string{"SESSION_TTL": "2h", "ADMIN_CHAT_IDS": "1, 2"}, nil, func(c *Config) bool {
			return c.SessionTTL == 2*time.Hour && len(c.Admins) == 2 && c.Admins[1] == 2
		}, ""},
		{map[string]string{"SESSION_TTL": "2h"}, []string{"--session-ttl", "3h"}, func(c *Config) bool { return c.SessionTTL == 3*time.Hour }, ""},
		{map[string]string{"ADMIN_CHAT_IDS": "1,x"}, nil, func(c *Config) bool { return true }, "ADMIN_CHAT_IDS"},
		{map[string]string{"SESSION_TTL": "-1h"}, nil, func(c *Config) bool { return true }, "SESSION_TTL"},
		{map[string]string{"TELEGRAM_RATE_LIMITS": "off"}, nil, func(c *Config) bool { return c.RateLimits.String() == "off" }, ""},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		fs, cfg := newRunFlags(io.Discard)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		err := cfg.checkEnv()
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%v %v: %v", tc.env, tc.args, err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("%v: checkEnv %v, want it to name %s", tc.env, err, tc.bad)
		case !tc.check(cfg):
			t.Errorf("%v %v: got %+v", tc.env, tc.args, cfg)
		}
		for k := range tc.env {
			if !cfg.given(k) {
				t.Errorf("%s was given, given() says not", k)
			}
			t.Setenv(k, "")
		}
		if cfg.given("LISTEN_ADDR") {
			t.Error("LISTEN_ADDR left at its default, given() says given")
		}
	}
}

// TestSettingsFlagsPerCommand: each command has the flags of the settings
// it takes, and no others.
func TestSettingsFlagsPerCommand(t *testing.T) {
	for _, cmd := range []string{"run", "chat", "stats", "link", "qr"} {
		fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
		var c Config
		c.bind(fs, cmd)
		for _, s := range settings {
			has := fs.Lookup(s.Flag) != nil
			takes := false
			for _, c := range s.Cmds {
				takes = takes || c == cmd
			}
			if has != takes {
				t.Errorf("%s: --%s declared %v, taken %v", cmd, s.Flag, has, takes)
			}
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{72 * time.Hour: "72h", 90 * time.Second: "1m30s", 2 * time.Minute: "2m", 10 * time.Second: "10s"} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
