package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

// metrics implements ingest.Observer with Prometheus metrics for `run`.
type metrics struct {
	reg      *prometheus.Registry
	events   *prometheus.CounterVec
	windows  *prometheus.CounterVec
	failures *prometheus.CounterVec
	retries  *prometheus.CounterVec
	atlas    *prometheus.CounterVec
	bulk     prometheus.Histogram
	health   *health
	live     *liveness
	parked   *parkedSeries
	leases   *leaseMetrics
	now      func() time.Time

	mu      sync.Mutex
	covered map[string]time.Time // series -> contiguous coverage end
	lagDesc *prometheus.Desc
	covDesc *prometheus.Desc
}

var _ ingest.Observer = (*metrics)(nil)

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aspaudit_events_total",
			Help: "Events written by outcome, failed window attempts included: stored, duplicate (already stored), dead_lettered; parse_failure counts stored pipeline_error events."}, []string{"outcome"}),
		windows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aspaudit_windows_total",
			Help: "Window attempts by result: done (stored and recorded) or failed."}, []string{"result"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aspaudit_window_failures_total",
			Help: "Failed window attempts by kind of error: permanent, storage_full, throttle, transient, canceled."}, []string{"kind"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aspaudit_window_retries_total",
			Help: "Window retries by kind of error."}, []string{"kind"}),
		atlas: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aspaudit_atlas_requests_total",
			Help: "Requests to the Atlas Admin API by endpoint and HTTP status (0: no answer)."}, []string{"endpoint", "status"}),
		bulk: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "aspaudit_sink_write_duration_seconds",
			Help: "Latency of one settled batch write to the sink, retries included.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}),
		health:  newHealth(),
		live:    newLiveness(),
		parked:  newParkedSeries(),
		leases:  newLeaseMetrics(),
		now:     time.Now,
		covered: map[string]time.Time{},
		lagDesc: prometheus.NewDesc("aspaudit_series_lag_seconds",
			"How far behind now the contiguous stored coverage of a series ends.", []string{"series"}, nil),
		covDesc: prometheus.NewDesc("aspaudit_series_covered_until_timestamp_seconds",
			"End of the contiguous stored coverage of a series (Unix time).", []string{"series"}, nil),
	}
	m.reg.MustRegister(m.events, m.windows, m.failures, m.retries, m.atlas, m.bulk, m.parked.gauge, m,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(m.health.gauges()...)
	return m
}

func (m *metrics) WindowStarted(pipeline.Window) { m.live.step(+1) }

func (m *metrics) WindowDone(w pipeline.Window, s ingest.Stats, err error, _ time.Duration) {
	m.live.step(-1)
	m.health.windowDone(w, err)
	// Events written by a failed attempt are stored: they count too.
	if err != nil {
		m.windows.WithLabelValues("failed").Inc()
		m.failures.WithLabelValues(ingest.ErrorKind(err)).Inc()
	} else {
		m.windows.WithLabelValues("done").Inc()
	}
	m.events.WithLabelValues("stored").Add(float64(s.Stored))
	m.events.WithLabelValues("duplicate").Add(float64(s.Duplicates))
	m.events.WithLabelValues("dead_lettered").Add(float64(s.DeadLettered))
	m.events.WithLabelValues("parse_failure").Add(float64(s.ParseFailures))
}

func (m *metrics) BatchWritten(_ int, latency time.Duration) {
	m.bulk.Observe(latency.Seconds())
	m.live.step(0)
}

func (m *metrics) Retry(kind string) { m.retries.WithLabelValues(kind).Inc() }

func (m *metrics) SeriesProgress(s pipeline.Series, until time.Time) {
	m.mu.Lock()
	m.covered[s.String()] = until
	m.mu.Unlock()
}

// SeriesRemoved drops a series no longer followed from the lag metrics, so
// that a deleted workspace does not look like one falling behind, and
// from /healthz's refused windows.
func (m *metrics) SeriesRemoved(s pipeline.Series) {
	m.mu.Lock()
	delete(m.covered, s.String())
	m.mu.Unlock()
	m.health.seriesRemoved(s)
}

// atlasResponse counts one Atlas request; it is the client's OnResponse.
func (m *metrics) atlasResponse(endpoint string, status int) {
	m.atlas.WithLabelValues(endpoint, strconv.Itoa(status)).Inc()
}

// Describe and Collect export the per-series lag, computed at scrape time.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.lagDesc
	ch <- m.covDesc
}

func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for s, t := range m.covered {
		ch <- prometheus.MustNewConstMetric(m.lagDesc, prometheus.GaugeValue, now.Sub(t).Seconds(), s)
		ch <- prometheus.MustNewConstMetric(m.covDesc, prometheus.GaugeValue, float64(t.Unix()), s)
	}
}

// serve runs the /metrics and /healthz listener until ctx ends. It
// returns once listening, or with the error that prevented it.
func (m *metrics) serve(ctx context.Context, addr string, log *slog.Logger) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s for /metrics: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.Handle("/healthz", m.leases.healthz(m.parked.healthz(m.health)))
	mux.Handle("/livez", m.live)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	log.Info("serving /metrics and /healthz", "addr", ln.Addr().String())
	return nil
}
