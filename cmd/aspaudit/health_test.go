package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/aspaudit/aspaudit/pipeline"
)

// TestHealthRefusedWindows: /healthz answers 503 while a window the sink
// refused (full storage, a write block) has not been written since; a
// window with nothing to write that succeeds meanwhile does not end it,
// the refused window's own success (or its series leaving) does.
func TestHealthRefusedWindows(t *testing.T) {
	h := newHealth()
	a := pipeline.Series{ProjectID: "6543a1b2c3d4e5f6a7b8c9d0", Workspace: "ws-a"}
	b := pipeline.Series{ProjectID: "6543a1b2c3d4e5f6a7b8c9d0", Workspace: "ws-b"}
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	win := func(s pipeline.Series, end time.Duration) pipeline.Window {
		return pipeline.Window{Series: s, Start: t0, End: t0.Add(end)}
	}
	blocked := pipeline.Blocked(errors.New(`cluster_block_exception: index [x] blocked by: [FORBIDDEN/8/index write (api)]; lift it with PUT x/_settings {"index.blocks.write": null}`))
	full := pipeline.StorageFull(errors.New("write events: no space left on device"))

	answer := func() (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		return rec.Code, rec.Body.String()
	}
	expect := func(step string, code int, has ...string) {
		t.Helper()
		got, body := answer()
		if got != code {
			t.Errorf("%s: /healthz %d %q, want %d", step, got, body, code)
		}
		for _, s := range has {
			if !strings.Contains(body, s) {
				t.Errorf("%s: /healthz %q does not say %q", step, body, s)
			}
		}
	}

	expect("at start", http.StatusOK, "ok")
	h.windowDone(win(a, time.Hour), blocked)
	h.windowDone(win(b, time.Hour), nil) // another workspace, nothing blocked there
	expect("a blocked, b written", http.StatusServiceUnavailable, "sink writes blocked since", "windows waiting: 1, retried until the block is lifted", "index.blocks.write")
	if v := gaugeValue(t, h.blocked.gauge); v != 1 {
		t.Errorf("aspaudit_sink_write_blocked %v, want 1", v)
	}
	h.windowDone(win(a, 2*time.Hour), nil) // the next pass: the same window, grown
	expect("a written again", http.StatusOK, "ok")
	if v := gaugeValue(t, h.blocked.gauge); v != 0 {
		t.Errorf("aspaudit_sink_write_blocked %v after the block, want 0", v)
	}

	h.windowDone(win(a, time.Hour), full)
	h.windowDone(win(b, time.Hour), blocked)
	expect("a full, b blocked", http.StatusServiceUnavailable, "sink storage full since", "no space left on device", "sink writes blocked since")
	h.windowDone(win(b, time.Hour), errors.New("connection reset by peer"))
	expect("b failing otherwise", http.StatusServiceUnavailable, "sink storage full since")
	if _, body := answer(); strings.Contains(body, "blocked") {
		t.Errorf("/healthz still names the block: %q", body)
	}
	h.seriesRemoved(a)
	expect("a no longer followed", http.StatusOK, "ok")
	if v := gaugeValue(t, h.full.gauge); v != 0 {
		t.Errorf("aspaudit_sink_storage_full %v, want 0", v)
	}
}

func gaugeValue(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}
