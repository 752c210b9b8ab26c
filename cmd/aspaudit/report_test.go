package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

func TestExitCode(t *testing.T) {
	dead := ingest.Summary{Stats: ingest.Stats{DeadLettered: 2}}
	failed := ingest.Summary{Failed: 1, Stats: ingest.Stats{DeadLettered: 2}}
	cases := []struct {
		name    string
		s       ingest.Summary
		service bool
		want    int
	}{
		{"all stored", ingest.Summary{Done: 3}, false, exitOK},
		{"dead-lettered", dead, false, exitDeadLettered},
		{"failed wins over dead-lettered", failed, false, exitIncomplete},
		{"stopped backfill is incomplete", ingest.Summary{Canceled: 1}, false, exitIncomplete},
		{"still failing after a pass", ingest.Summary{Failures: []ingest.WindowFailure{{}}}, false, exitIncomplete},
		{"service stopped by a signal", ingest.Summary{Canceled: 2, Failed: 1}, true, exitOK},
	}
	for _, c := range cases {
		if got := exitCode(c.s, c.service); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}

func TestFinishPrintsSummaryAndJSONReport(t *testing.T) {
	var out, errw bytes.Buffer
	w := pipeline.Window{Series: pipeline.Series{ProjectID: "p", Workspace: "w"}, Start: time.Unix(0, 0), End: time.Unix(3600, 0)}
	s := ingest.Summary{Planned: 3, Done: 2, Failed: 1, Elapsed: 2 * time.Second,
		Stats:    ingest.Stats{Lines: 11, Blank: 1, Events: 10, Stored: 7, Duplicates: 2, DeadLettered: 1, ParseFailures: 1, Retries: 4},
		Failures: []ingest.WindowFailure{{Window: w, Err: errors.New("429 RATE_LIMITED"), Attempts: 5}}}
	code := finish(stdio{out: &out, err: &errw}, "backfill", s, "file ./d/dead-letter", "json", false)
	if code != exitIncomplete {
		t.Fatalf("exit %d", code)
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	if r.WindowsPlanned != 3 || r.WindowsDone != 2 || r.WindowsFailed != 1 || r.LinesRead != 11 || r.EventsStored != 7 ||
		r.Duplicates != 2 || r.ParseFailures != 1 || r.DeadLettered != 1 || r.Retries != 4 || r.ElapsedSeconds != 2 || r.ExitCode != 1 {
		t.Errorf("report = %+v", r)
	}
	if len(r.Failures) != 1 || !strings.Contains(r.Failures[0].Error, "RATE_LIMITED") {
		t.Errorf("failures = %+v", r.Failures)
	}
	for _, want := range []string{"2 of 3 windows done", "1 failed", "stored 7", "already stored 2", "dead-lettered 1", "file ./d/dead-letter", "run the same command again"} {
		if !strings.Contains(errw.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, errw.String())
		}
	}
}
