package main

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

// health is what /healthz reports beyond "the process serves": a sink
// whose storage is full (a full disk, a cluster past its flood stage),
// from the last failed window attempt until the next one that succeeds.
// It is safe for concurrent use.
type health struct {
	gauge prometheus.Gauge

	mu    sync.Mutex
	full  string // the error, empty while the sink has room
	since time.Time
}

func newHealth() *health {
	return &health{gauge: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aspaudit_sink_storage_full",
		Help: "1 while the sink refuses writes because its storage is full (disk full, flood-stage watermark), else 0."})}
}

// windowDone follows the outcome of a window attempt.
func (h *health) windowDone(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case err == nil:
		h.full = ""
		h.gauge.Set(0)
	case ingest.ErrorKind(err) == ingest.KindStorageFull:
		if h.full == "" {
			h.since = time.Now().UTC()
		}
		h.full = err.Error()
		h.gauge.Set(1)
	}
}

// ServeHTTP answers /healthz: 200 "ok", or 503 saying the storage is full.
func (h *health) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h.mu.Lock()
	full, since := h.full, h.since
	h.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if full != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "sink storage full since %s: windows are retried until space is freed: %s\n", since.Format(time.RFC3339), full)
		return
	}
	fmt.Fprintln(w, "ok")
}
