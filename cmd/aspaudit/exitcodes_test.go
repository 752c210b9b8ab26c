package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/sinks"
)

type stubDeadLetter struct{}

func (stubDeadLetter) Put(context.Context, []pipeline.Rejection) error { return nil }
func (stubDeadLetter) Where() string                                   { return "file ./dead-letter" }
func (stubDeadLetter) Close(context.Context) error                     { return nil }

// TestFinishWithDiscoveryReportsItsExitCode: when a project's workspaces
// could not be discovered, the command exits 1, and the JSON report must
// say the exit code the process really ends with.
func TestFinishWithDiscoveryReportsItsExitCode(t *testing.T) {
	cases := []struct {
		name string
		sum  ingest.Summary
	}{
		{"other projects all stored", ingest.Summary{Planned: 2, Done: 2}},
		{"other projects dead-lettered", ingest.Summary{Planned: 2, Done: 2, Stats: ingest.Stats{DeadLettered: 1}}},
		{"nothing else to do", ingest.Summary{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			o := &sinks.Outputs{DeadLetter: stubDeadLetter{}}
			disc := []error{errors.New("project 0123456789abcdef01234567: GROUP_NOT_FOUND")}
			code := finishWithDiscovery(context.Background(), stdio{out: &out, err: &errw}, "backfill", c.sum, o, "json", disc, false)
			if code != exitIncomplete {
				t.Errorf("exit %d, want %d", code, exitIncomplete)
			}
			var r report
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
			}
			if r.ExitCode != code {
				t.Errorf("the JSON report says exit_code %d; the command exits %d", r.ExitCode, code)
			}
			if !strings.Contains(errw.String(), "GROUP_NOT_FOUND") {
				t.Errorf("the summary does not name the discovery failure:\n%s", errw.String())
			}
		})
	}
}

// TestFinishWithDiscoveryService: `run` as a service stopped by a signal
// exits 0 even when a project could never be discovered (it is retried
// at the next start), and says so in its report.
func TestFinishWithDiscoveryService(t *testing.T) {
	var out, errw bytes.Buffer
	o := &sinks.Outputs{DeadLetter: stubDeadLetter{}}
	code := finishWithDiscovery(context.Background(), stdio{out: &out, err: &errw}, "run", ingest.Summary{Canceled: 3, Stopped: true}, o, "json",
		[]error{errors.New("project x: context canceled")}, true)
	if code != exitOK {
		t.Errorf("exit %d, want %d", code, exitOK)
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	if r.ExitCode != code || !r.Stopped || r.WindowsCanceled != 3 {
		t.Errorf("report = %+v", r)
	}
}
