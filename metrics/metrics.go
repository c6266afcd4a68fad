// Package metrics exposes Prometheus metrics of the bot: updates, latency,
// verdicts, Telegram API errors, storage errors, sessions started and
// completed. It holds numbers only: no chat, campaign or answer labels
// that could single anyone out.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/selfcheck-id/selfcheck/convo"
)

// Metrics is one set of collectors on its own registry (no globals, so tests
// and several bots in one process do not collide).
type Metrics struct {
	reg       *prometheus.Registry
	updates   *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	verdicts  *prometheus.CounterVec
	apiErrors *prometheus.CounterVec
	shed      *prometheus.CounterVec
	storage   prometheus.Counter
	started   prometheus.Counter
	completed prometheus.Counter
}

// New creates the collectors, with the Go runtime and process ones.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "selfcheck_updates_total", Help: "Updates handled, by kind (message, command, button, other).",
		}, []string{"kind"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "selfcheck_update_seconds", Help: "Time to handle one update, Bot API calls included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"kind"}),
		verdicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "selfcheck_verdicts_total", Help: "Checks that ended with a verdict, by band.",
		}, []string{"band"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "selfcheck_telegram_errors_total", Help: "Failed Bot API calls, by code (400, 403, 429, network...).",
		}, []string{"code"}),
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "selfcheck_updates_shed_total",
			Help: "Updates refused (busy, closing: Telegram delivers them again) or dropped (chat_queue, abandoned at shutdown).",
		}, []string{"reason"}),
		storage: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "selfcheck_redis_errors_total", Help: "Requests that failed because Redis did not answer.",
		}),
		started: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "selfcheck_sessions_started_total", Help: "Checks started (including restarts).",
		}),
		completed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "selfcheck_sessions_completed_total", Help: "Checks that reached a verdict or an end step.",
		}),
	}
	m.reg.MustRegister(m.updates, m.latency, m.verdicts, m.apiErrors, m.shed, m.storage, m.started, m.completed,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics for Prometheus at /metrics.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// Observe counts one conversation outcome (it is a convo.Observer).
func (m *Metrics) Observe(_ context.Context, o convo.Outcome) {
	if o.Unavailable {
		m.storage.Inc()
	}
	if o.Started {
		m.started.Inc()
	}
	if o.Completed() {
		m.completed.Inc()
	}
	if o.Band != "" {
		m.verdicts.WithLabelValues(o.Band).Inc()
	}
}

// Update counts one handled update of a kind and how long it took.
func (m *Metrics) Update(kind string, d time.Duration) {
	m.updates.WithLabelValues(kind).Inc()
	m.latency.WithLabelValues(kind).Observe(d.Seconds())
}

// APIError counts one failed Bot API call.
func (m *Metrics) APIError(code string) { m.apiErrors.WithLabelValues(code).Inc() }

// Shed counts one update refused or dropped under load or at shutdown, or
// a first message that waited in the lobby.
func (m *Metrics) Shed(reason string) { m.shed.WithLabelValues(reason).Inc() }
