package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

// TestLivez drives /livez through the engine's observer calls with a
// clock of its own: idle or full, the engine is alive; window attempts in
// flight that take no step for longer than wedgedAfter are not.
func TestLivez(t *testing.T) {
	m := newMetrics()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	m.live.now = func() time.Time { return now }
	m.live.step(0)
	get := func() (int, string) {
		rec := httptest.NewRecorder()
		m.live.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/livez", nil))
		return rec.Code, rec.Body.String()
	}
	want := func(what string, code int) string {
		t.Helper()
		got, body := get()
		if got != code {
			t.Errorf("%s: /livez %d %q; want %d", what, got, body, code)
		}
		return body
	}

	now = now.Add(3 * wedgedAfter)
	want("nothing in flight for long (between passes, every series parked)", http.StatusOK)

	w := pipeline.Window{Series: pipeline.Series{ProjectID: "p", Workspace: "ws"}, Start: now.Add(-time.Hour), End: now}
	full := pipeline.StorageFull(errors.New("no space left on device"))
	m.WindowStarted(w)
	m.WindowDone(w, ingest.Stats{}, full, time.Second)
	rec := httptest.NewRecorder()
	m.parked.healthz(m.health).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("/healthz %d with the sink full; the test needs its 503", rec.Code)
	}
	want("the sink full (/healthz 503)", http.StatusOK)

	m.WindowStarted(w)
	m.WindowStarted(w)
	now = now.Add(wedgedAfter / 2)
	m.BatchWritten(100, time.Second)
	now = now.Add(wedgedAfter - time.Minute)
	want("windows in flight, a batch written within wedgedAfter", http.StatusOK)
	now = now.Add(2 * time.Minute)
	body := want("windows in flight, no step for longer than wedgedAfter", http.StatusServiceUnavailable)
	if !strings.Contains(body, "engine wedged: 2 window attempts in flight") {
		t.Errorf("/livez says %q; want it to say how many attempts are stuck", body)
	}
	m.WindowDone(w, ingest.Stats{}, nil, time.Hour)
	want("an attempt ended", http.StatusOK)
	m.WindowDone(w, ingest.Stats{}, nil, time.Hour)
	now = now.Add(2 * wedgedAfter)
	want("every attempt ended long ago", http.StatusOK)
}
