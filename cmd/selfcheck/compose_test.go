package main

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestComposeAndImage: docker-compose.yml publishes the bot's port (with
// /metrics and the dashboard) on the host's loopback unless BOT_BIND says
// otherwise, passes the organisers' settings to every command of the
// image (each one a setting selfcheck knows), and the image has a
// HEALTHCHECK that the binary answers (distroless has no shell or curl).
func TestComposeAndImage(t *testing.T) {
	data, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Ports       []string          `yaml:"ports"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatal(err)
	}
	bot, ok := compose.Services["bot"]
	if !ok {
		t.Fatal("no bot service")
	}
	for _, p := range bot.Ports {
		if !strings.HasPrefix(p, "${BOT_BIND:-127.0.0.1}:") {
			t.Errorf("port %q is not on loopback by default", p)
		}
	}
	known := map[string]bool{}
	for _, s := range settings {
		known[s.Env] = true
	}
	for _, env := range []string{"REDIS_URL", "CAMPAIGN_KEY", "BOT_USERNAME", "DASHBOARD_PASSWORD", "DASHBOARD_ADDR", "STATS_TZ", "LISTEN_ADDR"} {
		if _, ok := bot.Environment[env]; !ok {
			t.Errorf("compose does not pass %s", env)
		}
	}
	for env := range bot.Environment {
		if !known[env] {
			t.Errorf("compose passes %s, which no setting reads", env)
		}
	}
	docker, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(docker), `HEALTHCHECK`) || !strings.Contains(string(docker), `CMD ["/selfcheck", "healthcheck"]`) {
		t.Error("the image has no HEALTHCHECK running selfcheck healthcheck")
	}
	if _, ok := commands()["healthcheck"]; !ok {
		t.Error("no healthcheck command")
	}
}
