package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

var _ ingest.ParkObserver = (*metrics)(nil)

// parkedSeries follows the series the engine parked (an error retrying
// cannot fix: a role, the access list, a workspace gone), for
// aspaudit_series_parked and /healthz.
type parkedSeries struct {
	gauge *prometheus.GaugeVec
	mu    sync.Mutex
	m     map[pipeline.Series]parkedCause
}

type parkedCause struct {
	reason string
	err    string
}

func newParkedSeries() *parkedSeries {
	return &parkedSeries{
		gauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aspaudit_series_parked",
			Help: "Series not fetched until the cause is fixed, by reason (unauthorized, forbidden, not_found, api_version); /healthz names them."}, []string{"reason"}),
		m: map[pipeline.Series]parkedCause{},
	}
}

// SeriesParked and SeriesUnparked make metrics an ingest.ParkObserver.
func (m *metrics) SeriesParked(s pipeline.Series, reason string, err error) {
	m.parked.add(s, reason, err)
}

func (m *metrics) SeriesUnparked(s pipeline.Series) { m.parked.remove(s) }

func (p *parkedSeries) add(s pipeline.Series, reason string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.m[s]; ok {
		p.gauge.WithLabelValues(old.reason).Dec()
	}
	p.m[s] = parkedCause{reason: reason, err: err.Error()}
	p.gauge.WithLabelValues(reason).Inc()
}

func (p *parkedSeries) remove(s pipeline.Series) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.m[s]; ok {
		p.gauge.WithLabelValues(old.reason).Dec()
		delete(p.m, s)
	}
}

// healthz answers /healthz with h, then names the parked series: they do
// not make the process unhealthy (a restart would not fix them), but
// whoever looks should see them.
func (p *parkedSeries) healthz(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		p.mu.Lock()
		defer p.mu.Unlock()
		names := make([]pipeline.Series, 0, len(p.m))
		for s := range p.m {
			names = append(names, s)
		}
		slices.SortFunc(names, func(a, b pipeline.Series) int { return strings.Compare(a.String(), b.String()) })
		for _, s := range names {
			c := p.m[s]
			fmt.Fprintf(w, "parked %s (%s): %s\n", s, c.reason, c.err)
		}
	})
}
