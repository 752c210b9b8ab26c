package main

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

// health is what /healthz reports beyond "the process serves": windows
// the sink refuses until someone acts, because its storage is full (a
// full disk, a cluster past its flood stage) or because an operator
// blocked writes (index.blocks.write and the like). A window counts from
// its refused attempt until an attempt at it succeeds (or its series is
// no longer followed): a window with nothing to write that succeeds
// meanwhile, or one going to an index that is not blocked, does not end
// another's refusal. It is safe for concurrent use.
type health struct {
	full, blocked *refusal
}

// refusal is one way the sink refuses writes: the windows refused, with
// the gauge saying whether there are any.
type refusal struct {
	gauge prometheus.Gauge
	what  string // for /healthz: what happens
	until string // for /healthz: until when

	mu      sync.Mutex
	windows map[refusedKey]refused
}

// refusedKey names a window across passes: a series and the window's
// start (windows are aligned; the last one of a pass ends later in the
// next).
type refusedKey struct {
	series pipeline.Series
	start  int64
}

type refused struct {
	err   string
	since time.Time
}

func newRefusal(what, until, metric, help string) *refusal {
	return &refusal{what: what, until: until, windows: map[refusedKey]refused{},
		gauge: prometheus.NewGauge(prometheus.GaugeOpts{Name: metric, Help: help})}
}

func newHealth() *health {
	return &health{
		full: newRefusal("sink storage full", "space is freed", "aspaudit_sink_storage_full",
			"1 while the sink refuses writes because its storage is full (disk full, flood-stage watermark), else 0."),
		blocked: newRefusal("sink writes blocked", "the block is lifted", "aspaudit_sink_write_blocked",
			"1 while the search cluster refuses writes because of a write block set on an index or the cluster (index.blocks.write, read_only, cluster.blocks.*), else 0."),
	}
}

// refusals returns h's ways of refusing, in /healthz's order.
func (h *health) refusals() []*refusal { return []*refusal{h.full, h.blocked} }

// gauges returns the metrics of h, to register.
func (h *health) gauges() []prometheus.Collector {
	var out []prometheus.Collector
	for _, r := range h.refusals() {
		out = append(out, r.gauge)
	}
	return out
}

// windowDone follows the outcome of an attempt at w: refused, it counts
// under its refusal (and no other); written or failed for another reason,
// it is refused no more.
func (h *health) windowDone(w pipeline.Window, err error) {
	k := refusedKey{w.Series, w.Start.UnixNano()}
	var by *refusal
	switch ingest.ErrorKind(err) {
	case ingest.KindStorageFull:
		by = h.full
	case ingest.KindBlocked:
		by = h.blocked
	}
	for _, r := range h.refusals() {
		if r == by {
			r.add(k, err)
		} else {
			r.drop(func(x refusedKey) bool { return x == k })
		}
	}
}

// seriesRemoved forgets the refused windows of a series no longer
// followed: they will not be tried again here.
func (h *health) seriesRemoved(s pipeline.Series) {
	for _, r := range h.refusals() {
		r.drop(func(x refusedKey) bool { return x.series == s })
	}
}

func (r *refusal) add(k refusedKey, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	since := time.Now().UTC()
	if old, ok := r.windows[k]; ok {
		since = old.since
	}
	r.windows[k] = refused{err: err.Error(), since: since}
	r.gauge.Set(1)
}

func (r *refusal) drop(match func(refusedKey) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.windows {
		if match(k) {
			delete(r.windows, k)
		}
	}
	if len(r.windows) == 0 {
		r.gauge.Set(0)
	}
}

// line describes the refusal for /healthz, or returns "" when no window
// is refused: how many, since when, and the latest error.
func (r *refusal) line() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.windows) == 0 {
		return ""
	}
	var first, last refused
	for _, x := range r.windows {
		if first.since.IsZero() || x.since.Before(first.since) {
			first = x
		}
		if !x.since.Before(last.since) {
			last = x
		}
	}
	return fmt.Sprintf("%s since %s: windows waiting: %d, retried until %s: %s",
		r.what, first.since.Format(time.RFC3339), len(r.windows), r.until, last.err)
}

// ServeHTTP answers /healthz: 200 "ok", or 503 saying why the sink
// refuses writes.
func (h *health) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var lines []string
	for _, r := range h.refusals() {
		if l := r.line(); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		fmt.Fprintln(w, "ok")
		return
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}
