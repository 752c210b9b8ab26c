package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/ingest"
)

// report is the --report json object: one per run, on stdout.
type report struct {
	Command         string          `json:"command"`
	WindowsPlanned  int             `json:"windows_planned"`
	WindowsDone     int             `json:"windows_done"`
	WindowsFailed   int             `json:"windows_failed"`
	WindowsCanceled int             `json:"windows_canceled"`
	LinesRead       int64           `json:"lines_read"`
	BlankLines      int64           `json:"blank_lines"`
	Events          int64           `json:"events"`
	EventsStored    int64           `json:"events_stored"`
	Duplicates      int64           `json:"duplicates"`
	ParseFailures   int64           `json:"parse_failures"`
	DeadLettered    int64           `json:"dead_lettered"`
	Retries         int64           `json:"retries"`
	BytesRead       int64           `json:"bytes_read"`
	ElapsedSeconds  float64         `json:"elapsed_seconds"`
	Stopped         bool            `json:"stopped"`
	DeadLetter      string          `json:"dead_letter,omitempty"`
	Failures        []failureReport `json:"failures,omitempty"`
	ExitCode        int             `json:"exit_code"`
}

type failureReport struct {
	Window   string `json:"window"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error"`
}

func newReport(cmd string, s ingest.Summary, deadLetter string, code int) report {
	r := report{
		Command: cmd, WindowsPlanned: s.Planned, WindowsDone: s.Done, WindowsFailed: s.Failed,
		WindowsCanceled: s.Canceled, LinesRead: s.Stats.Lines, BlankLines: s.Stats.Blank,
		Events: s.Stats.Events, EventsStored: s.Stats.Stored, Duplicates: s.Stats.Duplicates,
		ParseFailures: s.Stats.ParseFailures, DeadLettered: s.Stats.DeadLettered,
		Retries: s.Stats.Retries, BytesRead: s.Stats.Bytes,
		ElapsedSeconds: s.Elapsed.Seconds(), Stopped: s.Stopped, ExitCode: code,
	}
	if s.Stats.DeadLettered > 0 {
		r.DeadLetter = deadLetter
	}
	for _, f := range s.Failures {
		r.Failures = append(r.Failures, failureReport{Window: f.Window.String(), Attempts: f.Attempts, Error: f.Err.Error()})
	}
	return r
}

// exitCode says how a run ended: 1 when windows remain incomplete (they
// are retried next run), else 3 when events were dead-lettered, else 0. A
// service (`run` without --once) asked to stop by a signal exits 0: its
// unfinished windows are simply picked up by the next start.
func exitCode(s ingest.Summary, service bool) int {
	switch {
	case service:
		return exitOK
	case s.Failed > 0, len(s.Failures) > 0, s.Canceled > 0:
		return exitIncomplete
	case s.Stats.DeadLettered > 0:
		return exitDeadLettered
	}
	return exitOK
}

// printSummary writes the human-readable summary (always, on stderr).
func printSummary(w io.Writer, r report) {
	rate := 0.0
	if r.ElapsedSeconds > 0 {
		rate = float64(r.Events) / r.ElapsedSeconds
	}
	fmt.Fprintf(w, "aspaudit %s: %d of %d windows done", r.Command, r.WindowsDone, r.WindowsPlanned)
	if r.WindowsFailed > 0 {
		fmt.Fprintf(w, ", %d failed", r.WindowsFailed)
	}
	if r.WindowsCanceled > 0 {
		fmt.Fprintf(w, ", %d not finished (stopped)", r.WindowsCanceled)
	}
	fmt.Fprintf(w, " in %s\n", (time.Duration(r.ElapsedSeconds * float64(time.Second))).Round(time.Millisecond))
	fmt.Fprintf(w, "  lines read %d (blank %d), events %d: stored %d, already stored %d, dead-lettered %d; parse failures %d (stored, marked); retries %d; %.0f events/s\n",
		r.LinesRead, r.BlankLines, r.Events, r.EventsStored, r.Duplicates, r.DeadLettered, r.ParseFailures, r.Retries, rate)
	if r.DeadLettered > 0 {
		fmt.Fprintf(w, "  %d events were refused by the sink: see the reasons in %s\n", r.DeadLettered, r.DeadLetter)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(w, "  failed: %s after %d attempts: %s\n", f.Window, f.Attempts, f.Error)
	}
	if r.WindowsFailed > 0 || r.WindowsCanceled > 0 {
		fmt.Fprintln(w, "  windows not completed stay unrecorded: run the same command again to complete them")
	}
}

// finish prints the summary, the JSON report when asked, and returns the
// exit code.
func finish(io stdio, cmd string, s ingest.Summary, deadLetter, format string, service bool) int {
	code := exitCode(s, service)
	r := newReport(cmd, s, deadLetter, code)
	printSummary(io.err, r)
	if format == "json" {
		enc := json.NewEncoder(io.out)
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(io.err, "aspaudit: writing the report: %v\n", err)
		}
	}
	return code
}
