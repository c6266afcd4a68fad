package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
)

// Config is every setting, with its default. Each can be given as an
// environment variable and as a flag; the flag wins.
type Config struct {
	Token      string              // TELEGRAM_BOT_TOKEN
	APIURL     string              // TELEGRAM_API_URL
	BotName    string              // BOT_USERNAME: for share links; asked of Telegram when empty
	Redis      session.RedisConfig // REDIS_URL, or REDIS_ADDRS (+ REDIS_SENTINEL_MASTER, REDIS_PASSWORD)
	SessionKey string              // SESSION_KEY: secret for hashing chat ids
	SessionTTL time.Duration       // SESSION_TTL
	FlowsDir   string              // FLOWS_DIR: empty uses the built-in flows
	LocalesDir string              // LOCALES_DIR: empty uses the built-in messages
	FlowID     string              // FLOW_ID: empty serves the only flow
	LogLevel   string              // LOG_LEVEL: debug, info, warn, error

	envErr error // an environment variable that does not parse
}

// secretVar declares a flag whose default comes from the environment
// variable but is never printed by --help: it may be a password or token.
func secretVar(fs *flag.FlagSet, p *string, name, envName, usage string) {
	*p = env(envName, "")
	fs.Func(name, usage, func(v string) error { *p = v; return nil })
}

// checkEnv reports an environment variable whose value does not parse.
func (c *Config) checkEnv() error { return c.envErr }

// env returns the environment variable, or def when it is unset or empty.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// bind registers the settings shared by the commands that serve users.
func (c *Config) bind(fs *flag.FlagSet) {
	ttl, err := time.ParseDuration(env("SESSION_TTL", "72h")) // session.DefaultTTL
	if err != nil || ttl <= 0 {
		c.envErr = fmt.Errorf("SESSION_TTL %q: want a positive duration such as 72h", os.Getenv("SESSION_TTL"))
		ttl = session.DefaultTTL
	}
	secretVar(fs, &c.Redis.URL, "redis-url", "REDIS_URL", "Redis URL (redis:// or rediss://); empty (and no --redis-addrs) starts an embedded in-memory store (env REDIS_URL)")
	fs.Func("redis-addrs", "comma-separated host:port of a Redis Cluster, or of Sentinels with --redis-sentinel-master (env REDIS_ADDRS)", func(v string) error {
		c.Redis.Addrs = splitList(v)
		return nil
	})
	c.Redis.Addrs = splitList(env("REDIS_ADDRS", ""))
	fs.StringVar(&c.Redis.SentinelMaster, "redis-sentinel-master", env("REDIS_SENTINEL_MASTER", ""), "Sentinel master name (env REDIS_SENTINEL_MASTER)")
	secretVar(fs, &c.Redis.Password, "redis-password", "REDIS_PASSWORD", "password for --redis-addrs (env REDIS_PASSWORD)")
	secretVar(fs, &c.SessionKey, "session-key", "SESSION_KEY", "secret for hashing chat ids into storage keys (env SESSION_KEY)")
	fs.DurationVar(&c.SessionTTL, "session-ttl", ttl, "how long an idle conversation is kept (env SESSION_TTL)")
	fs.StringVar(&c.FlowsDir, "flows", env("FLOWS_DIR", ""), "directory of flow files; empty uses the built-in ones (env FLOWS_DIR)")
	fs.StringVar(&c.LocalesDir, "locales", env("LOCALES_DIR", ""), "directory of message files; empty uses the built-in ones (env LOCALES_DIR)")
	fs.StringVar(&c.FlowID, "flow", env("FLOW_ID", ""), "id of the flow to serve; empty serves the only one (env FLOW_ID)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (env LOG_LEVEL)")
}

// minSessionKey is the shortest SESSION_KEY accepted, in characters: 16
// random bytes written as hex. The key is all that keeps a stored hash from
// being turned back into a chat id by trying every id, so it must be long
// and random.
const minSessionKey = 32

// makeSessionKey says how to make a good key.
const makeSessionKey = "make one with: openssl rand -hex 32 (or: head -c 32 /dev/urandom | base64)"

// checkSessionKey reports a SESSION_KEY that is missing when required (a
// real Redis keeps conversations across runs, so the key must be given and
// stable), too short, or plainly not random (fewer than 8 different
// characters). An empty key with the embedded store is fine: a random one
// is made for the run.
func (c *Config) checkSessionKey() error {
	k := c.SessionKey
	switch {
	case k == "" && c.embeddedStore():
		return nil
	case k == "":
		return fmt.Errorf("SESSION_KEY is required with a real Redis: a random secret of at least %d characters, kept stable so that conversations survive restarts; %s", minSessionKey, makeSessionKey)
	}
	return checkSecretKey("SESSION_KEY", k)
}

// checkSecretKey reports a key (SESSION_KEY, CAMPAIGN_KEY) that is too
// short or plainly not random (fewer than 8 different characters).
func checkSecretKey(name, k string) error {
	if len(k) < minSessionKey {
		return fmt.Errorf("%s is too short (%d characters): use at least %d random characters; %s", name, len(k), minSessionKey, makeSessionKey)
	}
	distinct := map[rune]bool{}
	for _, r := range k {
		distinct[r] = true
	}
	if len(distinct) < 8 {
		return fmt.Errorf("%s does not look random (%d different characters); %s", name, len(distinct), makeSessionKey)
	}
	return nil
}

// embeddedStore reports whether no Redis was configured.
func (c *Config) embeddedStore() bool { return c.Redis.URL == "" && len(c.Redis.Addrs) == 0 }

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// source says where content comes from: the directories given, or what is
// built in.
func (c *Config) source() convo.Source {
	src := convo.Embedded
	if c.FlowsDir != "" {
		src.Flows, src.FlowsDir = osFS{}, c.FlowsDir
	}
	if c.LocalesDir != "" {
		src.Locales, src.LocalesDir = osFS{}, c.LocalesDir
	}
	src.FlowID = c.FlowID
	return src
}
