package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

func TestProgressLine(t *testing.T) {
	got := progressLine("backfill", ingest.Progress{WindowsTotal: 10, WindowsDone: 4, WindowsFailed: 1, Events: 5000, Elapsed: 10 * time.Second})
	for _, want := range []string{"windows 4/10", "(1 failed)", "5000 events", "500 events/s", "ETA 10s"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if got := progressLine("import", ingest.Progress{WindowsTotal: 2, WindowsDone: 2, Elapsed: time.Second}); strings.Contains(got, "ETA") {
		t.Errorf("finished run shows an ETA: %q", got)
	}
}
