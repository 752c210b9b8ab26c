package pipeline

import (
	"fmt"
	"time"
)

// Series identifies one timeline of events: one log (LogType) of one
// workspace of one project, optionally narrowed to a single stream
// processor.
type Series struct {
	ProjectID string
	Workspace string
	// Processor is empty for every processor of the workspace.
	Processor string
	// LogType is the log the series reads; the zero value is the audit
	// log.
	LogType LogType
}

// String returns "project/workspace" or "project/workspace/processor",
// followed by " (operational log)" for a log other than the audit log.
func (s Series) String() string {
	out := s.ProjectID + "/" + s.Workspace
	if s.Processor != "" {
		out += "/" + s.Processor
	}
	if s.LogType != AuditLog {
		out += " (" + s.LogType.Name() + " log)"
	}
	return out
}

// Window is the half-open time range [Start, End) of one series. Windows are
// the unit of fetching, retrying and checkpointing. Start and End are whole
// seconds in UTC, as the Atlas API takes them.
type Window struct {
	Series
	Start time.Time
	End   time.Time
}

// Range returns the window's time range.
func (w Window) Range() Range { return Range{Start: w.Start, End: w.End} }

// String names the window for logs and errors.
func (w Window) String() string {
	if w.Start.IsZero() && w.End.IsZero() {
		return w.Series.String() + " (no time range)"
	}
	return fmt.Sprintf("%s %s/%s", w.Series, w.Start.UTC().Format(time.RFC3339), w.End.UTC().Format(time.RFC3339))
}

// Split cuts r into windows of the given size for series s. Boundaries are
// aligned to multiples of size since the Unix epoch so that every run plans
// the same windows for the same range, which keeps retries and checkpoints
// stable; the first and last windows are clipped to r. Times are truncated
// to whole seconds. A size of zero or less yields one window for all of r.
func Split(s Series, r Range, size time.Duration) []Window {
	start, end := r.Start.UTC().Truncate(time.Second), r.End.UTC().Truncate(time.Second)
	if !start.Before(end) {
		return nil
	}
	if size < time.Second {
		return []Window{{Series: s, Start: start, End: end}}
	}
	step := int64(size / time.Second)
	var out []Window
	for cur := start; cur.Before(end); {
		// Unix seconds, not a time.Duration since the epoch: a Duration
		// saturates after the year 2262 (Split then never ended) and rounds
		// toward zero before 1970 (misaligned boundaries there).
		next := time.Unix(floorDiv(cur.Unix(), step)*step+step, 0).UTC()
		if next.After(end) {
			next = end
		}
		out = append(out, Window{Series: s, Start: cur, End: next})
		cur = next
	}
	return out
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
