package ingest

import (
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Stats counts what happened to the lines of one or more windows, attempts
// that failed included: what they wrote is stored, whether or not the window
// finished. For each attempt Lines = Blank + Events; for a settled attempt
// Events = Stored + Duplicates + DeadLettered, while a failed one may leave
// events unwritten. A window retried counts its lines again, and the
// events the failed attempt stored come back as Duplicates.
type Stats struct {
	Lines         int64 // lines read, blank ones included
	Blank         int64 // lines skipped because empty or only whitespace
	Events        int64 // events parsed, one per non-blank line
	Stored        int64 // newly stored
	Duplicates    int64 // already stored before (counts as stored)
	ParseFailures int64 // events stored marked as pipeline_error
	DeadLettered  int64 // rejected by the sink, kept in the dead letter
	Retries       int64 // window attempts and sink requests retried
	Bytes         int64 // decompressed bytes read
}

// Add accumulates o into s.
func (s *Stats) Add(o Stats) {
	s.Lines += o.Lines
	s.Blank += o.Blank
	s.Events += o.Events
	s.Stored += o.Stored
	s.Duplicates += o.Duplicates
	s.ParseFailures += o.ParseFailures
	s.DeadLettered += o.DeadLettered
	s.Retries += o.Retries
	s.Bytes += o.Bytes
}

// Summary is the outcome of a backfill, an import or a continuous run.
type Summary struct {
	// Planned counts windows planned; in continuous mode every pass adds
	// its windows, so a window retried over several passes counts again.
	Planned int
	// Done counts windows settled and recorded.
	Done int
	// Failed counts windows that failed after their retries (in
	// continuous mode, failed passes of a window).
	Failed int
	// Canceled counts windows not run, or abandoned in flight, because
	// the run was stopped. They are not recorded.
	Canceled int
	// Stats totals every attempt of every window, failed and abandoned
	// ones included: their events written so far are stored.
	Stats Stats
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
	// Failures lists the windows still failing at the end, each with its
	// last error, in time order.
	Failures []WindowFailure
	// Stopped reports that the context ended before the plan was done.
	Stopped bool
}

// WindowFailure is a window that could not be completed. When the
// coverage of a series could not be read, Window spans the whole range that
// was to be planned.
type WindowFailure struct {
	Window   pipeline.Window
	Err      error
	Attempts int
}

// Progress is a snapshot for a progress display.
type Progress struct {
	WindowsTotal  int
	WindowsDone   int
	WindowsFailed int
	// Events counts events written so far, windows in flight included
	// (a retried window counts again).
	Events  int64
	Elapsed time.Duration
}

// Merge adds o, the summary of a run beside this one (another group's),
// into s: counts add up, the elapsed time is the longer one.
func (s *Summary) Merge(o Summary) {
	s.Planned += o.Planned
	s.Done += o.Done
	s.Failed += o.Failed
	s.Canceled += o.Canceled
	s.Stats.Add(o.Stats)
	s.Elapsed = max(s.Elapsed, o.Elapsed)
	s.Failures = append(s.Failures, o.Failures...)
	s.Stopped = s.Stopped || o.Stopped
}
