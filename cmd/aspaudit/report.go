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
	Command string `json:"command"`
	ingest.Report
	DeadLetter string `json:"dead_letter,omitempty"`
	// ProjectFailures are projects whose workspaces could not be listed:
	// nothing was fetched for them.
	ProjectFailures []string `json:"project_failures,omitempty"`
	ExitCode        int      `json:"exit_code"`
}

func newReport(cmd string, s ingest.Summary, deadLetter string, code int) report {
	r := report{Command: cmd, Report: s.Report(), ExitCode: code}
	if s.Stats.DeadLettered > 0 {
		r.DeadLetter = deadLetter
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
		fmt.Fprintf(w, "  failed: %s %s after %d attempts: %s\n", f.Series, timeRange(f.Start, f.End), f.Attempts, f.Error)
	}
	if r.WindowsFailed > 0 || r.WindowsCanceled > 0 {
		fmt.Fprintln(w, "  windows not completed stay unrecorded: fix what the errors say, then run the same command again")
	}
}

// finish prints the summary, the JSON report when asked, and returns the
// exit code.
// projectErrs are projects that could not be discovered: they make the
// run incomplete, except for a service, which retries them at its next
// start.
func finish(io stdio, cmd string, s ingest.Summary, deadLetter, format string, service bool, projectErrs ...error) int {
	code := exitCode(s, service)
	if len(projectErrs) > 0 && !service {
		code = exitIncomplete
	}
	r := newReport(cmd, s, deadLetter, code)
	for _, e := range projectErrs {
		r.ProjectFailures = append(r.ProjectFailures, e.Error())
	}
	printSummary(io.err, r)
	if format == "json" {
		enc := json.NewEncoder(io.out)
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(io.err, "aspaudit: writing the report: %v\n", err)
		}
	}
	return code
}

// timeRange shows a window's range, or says it has none (an archive whose
// name carries no times).
func timeRange(start, end time.Time) string {
	if start.IsZero() && end.IsZero() {
		return "(no time range)"
	}
	return start.UTC().Format(time.RFC3339) + "/" + end.UTC().Format(time.RFC3339)
}
