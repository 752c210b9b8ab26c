package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

func TestSummaryReport(t *testing.T) {
	r := newRig(t, func(r *rig) {
		r.src.fail = func(w pipeline.Window, _ int) error {
			if w.Series == seriesB {
				return pipeline.Permanent(errors.New("404 GROUP_NOT_FOUND"))
			}
			return nil
		}
		r.src.body = func(w pipeline.Window) string { return lines(w, 3) + "\nbad\nreject\n" }
	})
	sum, _ := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA, seriesB}, Range: pipeline.Range{Start: day(1, 0), End: day(1, 12)}})
	// The "bad" line is the same in both windows: stored once, then a duplicate.
	b, err := json.Marshal(sum.Report())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(b, &got)
	want := map[string]float64{"windows_planned": 4, "windows_done": 2, "windows_failed": 2, "lines_read": 12,
		"blank_lines": 2, "events_stored": 7, "duplicates": 1, "parse_failures": 2, "dead_lettered": 2}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v in %s", k, got[k], v, b)
		}
	}
	fs, _ := got["failures"].([]any)
	if len(fs) != 2 || !strings.Contains(string(b), "GROUP_NOT_FOUND") || !strings.Contains(string(b), seriesB.String()) {
		t.Errorf("failures not reported: %s", b)
	}
}
