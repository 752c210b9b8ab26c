package main

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

func TestParkedSeriesInMetricsAndHealthz(t *testing.T) {
	m := newMetrics()
	a := pipeline.Series{ProjectID: "0123456789abcdef01234567", Workspace: "a"}
	b := pipeline.Series{ProjectID: "0123456789abcdef01234567", Workspace: "b"}
	m.SeriesParked(a, "forbidden", errors.New("atlas answered 403 (add a role)"))
	m.SeriesParked(b, "not_found", errors.New("atlas answered 404"))
	m.SeriesParked(b, "not_found", errors.New("atlas answered 404 again"))
	if got := parkedGauge(t, m, "forbidden"); got != 1 {
		t.Errorf("forbidden gauge %v", got)
	}
	if got := parkedGauge(t, m, "not_found"); got != 1 {
		t.Errorf("not_found gauge %v, want 1 (parked twice, counted once)", got)
	}
	rec := httptest.NewRecorder()
	m.parked.healthz(m.health).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(body, "ok\n") || !strings.Contains(body, "parked "+a.String()+" (forbidden): atlas answered 403 (add a role)") ||
		!strings.Contains(body, "(not_found): atlas answered 404 again") {
		t.Errorf("/healthz %d:\n%s", rec.Code, body)
	}
	m.SeriesUnparked(a)
	m.SeriesUnparked(a)
	if got := parkedGauge(t, m, "forbidden"); got != 0 {
		t.Errorf("forbidden gauge after unparking %v", got)
	}
	rec = httptest.NewRecorder()
	m.parked.healthz(m.health).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if strings.Contains(rec.Body.String(), "(forbidden)") {
		t.Errorf("unparked series still on /healthz:\n%s", rec.Body.String())
	}
}

// parkedGauge reads aspaudit_series_parked{reason} from m's registry.
func parkedGauge(t *testing.T, m *metrics, reason string) float64 {
	t.Helper()
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "aspaudit_series_parked" {
			continue
		}
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					return mt.GetGauge().GetValue()
				}
			}
		}
	}
	return -1
}
