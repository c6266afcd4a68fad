package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/selfcheck-id/selfcheck/convo"
	"github.com/selfcheck-id/selfcheck/session"
)

// Config is every setting, with its default: what the commands that serve
// users read. Each field is declared once, in settings below.
type Config struct {
	Token       string              // TELEGRAM_BOT_TOKEN
	APIURL      string              // TELEGRAM_API_URL
	BotName     string              // BOT_USERNAME: for share links; asked of Telegram when empty
	PublicURL   string              // PUBLIC_URL: campaign links through its /go/
	RateLimits  rateLimits          // TELEGRAM_RATE_LIMITS
	MaxInHand   int                 // MAX_UPDATES_IN_HAND
	MaxBacklog  time.Duration       // MAX_SEND_BACKLOG
	CampaignKey string              // CAMPAIGN_KEY: signs campaign links
	Admins      []int64             // ADMIN_CHAT_IDS: may use /stats
	Redis       session.RedisConfig // REDIS_URL, or REDIS_ADDRS (+ REDIS_SENTINEL_MASTER, REDIS_PASSWORD)
	SessionKey  string              // SESSION_KEY: secret for hashing chat ids
	SessionTTL  time.Duration       // SESSION_TTL
	FlowsDir    string              // FLOWS_DIR: empty uses the built-in flows
	LocalesDir  string              // LOCALES_DIR: empty uses the built-in messages
	FlowID      string              // FLOW_ID: empty serves the only flow
	WebhookURL  string              // WEBHOOK_URL: empty polls
	Secret      string              // WEBHOOK_SECRET
	Listen      string              // LISTEN_ADDR
	WebListen   string              // WEB_LISTEN: empty serves no web pages
	LogLevel    string              // LOG_LEVEL: debug, info, warn, error
	StatsTZ     *time.Location      // STATS_TZ: the zone statistics days are counted in
	Dashboard   string              // DASHBOARD_PASSWORD: the dashboard's; empty serves none
	DashAddr    string              // DASHBOARD_ADDR: where `dashboard` listens

	envErr   error           // the environment variables that do not parse
	givenSet map[string]bool // the variables given, as such or as flags
}

// The commands that take settings.
var (
	cmdsServe = []string{"run", "chat", "stats", "web", "dashboard"} // content, store and logs
	cmdsLink  = []string{"run", "link", "qr", "poster", "dashboard"} // the bot's name and campaign links
	cmdsRun   = []string{"run"}
	cmdsKiosk = []string{"run", "link", "qr", "web", "poster", "dashboard"} // campaign links, and the web kiosk's
	cmdsFlows = append([]string{"poster"}, cmdsServe...)                    // the flows (posters show their contacts)
	cmdsStats = []string{"run", "web", "stats", "dashboard"}
)

// settings are every setting, each declared once; the README's table is
// checked against this list (TestREADMEConfigTable; -update rewrites it).
// Add yours here, with its field in Config.
var settings = []setting{
	{Flag: "token", Env: "TELEGRAM_BOT_TOKEN", None: "(none; required by `run`)", Secret: true, Cmds: cmdsLink,
		Help: "the bot's token from @BotFather (`link` and `qr` use it only to ask Telegram for the bot's username); several, comma-separated, run several bots for a big event (see docs/events.md)",
		Set:  func(c *Config, v string) error { c.Token = v; return nil }},
	{Flag: "api-url", Env: "TELEGRAM_API_URL", Default: "https://api.telegram.org", Cmds: cmdsLink,
		Help: "Bot API server: a self-hosted one, or a fake in tests",
		Set:  func(c *Config, v string) error { c.APIURL = v; return nil }},
	{Flag: "rate-limits", Env: "TELEGRAM_RATE_LIMITS", Default: defaultRateLimits().String(), Cmds: cmdsRun,
		Help: "outgoing messages per second overall, per second per chat, and the per-chat burst; `off` for a Bot API server without limits",
		Set: func(c *Config, v string) (err error) {
			c.RateLimits, err = parseRateLimits(v)
			return err
		}},
	{Flag: "max-in-hand", Env: "MAX_UPDATES_IN_HAND", Default: "1000", Cmds: cmdsRun,
		Help: "updates a bot holds at most (queued or being handled); beyond, the webhook answers 503 and polling waits, and Telegram delivers them later",
		Set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("want a whole number of at least 1")
			}
			c.MaxInHand = n
			return nil
		}},
	{Flag: "max-backlog", Env: "MAX_SEND_BACKLOG", Default: "10s", Cmds: cmdsRun,
		Help: "no new message is taken while a bot's sends are booked further ahead than this (taps of checks under way still are; a /start from a new chat waits in the lobby instead, see docs/events.md)",
		Set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("want a positive duration such as 10s")
			}
			c.MaxBacklog = d
			return nil
		}},
	{Flag: "public-url", Env: "PUBLIC_URL", None: "(none: campaign links open the bot directly)", Cmds: cmdsKiosk,
		Help: "the `https://` address where `run` is reached (its `LISTEN_ADDR` behind your proxy); with it, campaign links and QR codes go through its `/go/` and spread new people over several bots (docs/events.md)",
		Set: func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
				return fmt.Errorf("want an address such as https://bot.example.org")
			}
			c.PublicURL = strings.TrimRight(v, "/")
			return nil
		}},
	{Flag: "campaign-key", Env: "CAMPAIGN_KEY", None: "(none: every campaign counts under `other`)", Secret: true, Cmds: cmdsKiosk,
		Help: "secret that signs campaign links: at least 32 random characters; `selfcheck link` and `qr` need the same one",
		Set:  func(c *Config, v string) error { c.CampaignKey = v; return nil }},
	{Flag: "bot-username", Env: "BOT_USERNAME", None: "asked of Telegram (getMe)", Cmds: cmdsKiosk,
		Help: "the bot's username, for share links and campaign links (with or without `@`); with several tokens, one per token in the same order",
		Set:  func(c *Config, v string) error { c.BotName = strings.TrimPrefix(strings.TrimSpace(v), "@"); return nil }},
	{Flag: "admin-chat-ids", Env: "ADMIN_CHAT_IDS", None: "(none)", Cmds: cmdsRun,
		Help: "comma-separated chat ids allowed to use `/stats`; anyone else gets the normal help",
		Set: func(c *Config, v string) (err error) {
			c.Admins, err = parseIDs(v)
			return err
		}},
	{Flag: "redis-url", Env: "REDIS_URL", None: "(none: an embedded in-process Redis, miniredis; state is lost at exit)", Secret: true, Cmds: cmdsServe,
		Help: "`redis://[:password@]host:port/db` or `rediss://` for TLS",
		Set:  func(c *Config, v string) error { c.Redis.URL = v; return nil }},
	{Flag: "redis-addrs", Env: "REDIS_ADDRS", None: "(none)", Cmds: cmdsServe,
		Help: "several `host:port`: a Redis Cluster, or Sentinels with `REDIS_SENTINEL_MASTER`",
		Set:  func(c *Config, v string) error { c.Redis.Addrs = splitList(v); return nil }},
	{Flag: "redis-sentinel-master", Env: "REDIS_SENTINEL_MASTER", None: "(none)", Cmds: cmdsServe,
		Help: "the Sentinel master name",
		Set:  func(c *Config, v string) error { c.Redis.SentinelMaster = v; return nil }},
	{Flag: "redis-password", Env: "REDIS_PASSWORD", None: "(none)", Secret: true, Cmds: cmdsServe,
		Help: "password for `REDIS_ADDRS` (with `REDIS_URL` it goes in the URL)",
		Set:  func(c *Config, v string) error { c.Redis.Password = v; return nil }},
	{Flag: "session-key", Env: "SESSION_KEY", None: "random per run (embedded store only)", Secret: true, Cmds: cmdsServe,
		Help: "secret for the keyed hash of chat ids: at least 32 random characters (`openssl rand -hex 32` makes one); `run` requires it with `REDIS_URL` or `REDIS_ADDRS`, and a shorter or plainly non-random key stops it",
		Set:  func(c *Config, v string) error { c.SessionKey = v; return nil }},
	{Flag: "session-ttl", Env: "SESSION_TTL", Default: shortDuration(session.DefaultTTL), Cmds: cmdsServe,
		Help: "an idle conversation is deleted after this long (the welcome, `/privacy` and the expiry notice say so)",
		Set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("want a positive duration such as %s", shortDuration(session.DefaultTTL))
			}
			c.SessionTTL = d
			return nil
		}},
	{Flag: "flows", Env: "FLOWS_DIR", None: "built-in `flows/`", Cmds: cmdsFlows,
		Help: "directory of flow files and `contacts.yaml`",
		Set:  func(c *Config, v string) error { c.FlowsDir = v; return nil }},
	{Flag: "locales", Env: "LOCALES_DIR", None: "built-in `locales/`", Cmds: cmdsServe,
		Help: "directory of message files (one per language: `id.yaml`, `en.yaml`)",
		Set:  func(c *Config, v string) error { c.LocalesDir = v; return nil }},
	{Flag: "flow", Env: "FLOW_ID", None: "the only flow", Cmds: cmdsServe,
		Help: "which flow to serve",
		Set:  func(c *Config, v string) error { c.FlowID = v; return nil }},
	{Flag: "webhook-url", Env: "WEBHOOK_URL", None: "(none: long polling)", Secret: true, Cmds: cmdsRun,
		Help: "serve updates by webhook at this `https://` URL (its path is a secret too); TLS is the reverse proxy's job",
		Set:  func(c *Config, v string) error { c.WebhookURL = v; return nil }},
	{Flag: "webhook-secret", Env: "WEBHOOK_SECRET", None: "(none; required with `WEBHOOK_URL`)", Secret: true, Cmds: cmdsRun,
		Help: "1-256 of `A-Z a-z 0-9 _ -`; calls without it get 401",
		Set:  func(c *Config, v string) error { c.Secret = v; return nil }},
	{Flag: "listen", Env: "LISTEN_ADDR", Default: ":8080", Cmds: []string{"run", "healthcheck"},
		Help: "where `/metrics`, `/healthz`, `/readyz` and, in webhook mode, the webhook (at the URL's path) are served",
		Set:  func(c *Config, v string) error { c.Listen = v; return nil }},
	{Flag: "web-listen", Env: "WEB_LISTEN", None: "(none: no web pages)", Cmds: cmdsRun,
		Help: "also serve the check as web pages at this address, on the same sessions (see docs/web.md; `selfcheck web` serves them alone)",
		Set:  func(c *Config, v string) error { c.WebListen = v; return nil }},
	{Flag: "stats-tz", Env: "STATS_TZ", Default: "Asia/Jakarta", Cmds: cmdsStats,
		Help: "the time zone of statistics days (a check counts under the day it started there): `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA), `Asia/Jayapura` (WIT)",
		Set: func(c *Config, v string) (err error) {
			c.StatsTZ, err = time.LoadLocation(v)
			if err != nil {
				return fmt.Errorf("use a zone name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura")
			}
			return nil
		}},
	{Flag: "dashboard-password", Env: "DASHBOARD_PASSWORD", None: "(none: `run` serves no dashboard, `dashboard` does not start)", Secret: true, Cmds: []string{"run", "dashboard"},
		Help: "password of the campaign dashboard (HTTP basic auth, any user name), at least 12 characters; with it `run` serves the dashboard on `LISTEN_ADDR` too",
		Set:  func(c *Config, v string) error { c.Dashboard = v; return nil }},
	{Flag: "addr", Env: "DASHBOARD_ADDR", Default: "127.0.0.1:8081", Cmds: []string{"dashboard", "healthcheck"},
		Help: "where `selfcheck dashboard` listens: loopback unless told otherwise (`:8081` for every interface, as in a container)",
		Set:  func(c *Config, v string) error { c.DashAddr = v; return nil }},
	{Flag: "log-level", Env: "LOG_LEVEL", Default: "info", Cmds: cmdsServe,
		Help: "`debug`, `info`, `warn` or `error`",
		Set:  func(c *Config, v string) error { c.LogLevel = v; return nil }},
}

// shortDuration writes 72h rather than 72h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
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
