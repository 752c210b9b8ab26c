package ingest

import (
	"context"
	"errors"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Observer receives the engine's events, for metrics. Its methods are
// called from many goroutines at once and must be fast and non-blocking.
type Observer interface {
	// WindowStarted is called before each attempt at a window.
	WindowStarted(w pipeline.Window)
	// WindowDone is called after each attempt, with its stats and error
	// (nil when the window is settled and recorded).
	WindowDone(w pipeline.Window, s Stats, err error, d time.Duration)
	// BatchWritten is called after each Sink.Write that returned nil.
	BatchWritten(events int, latency time.Duration)
	// Retry is called before a failed window is retried; kind is one of
	// the Kind* constants.
	Retry(kind string)
	// SeriesProgress is called when the contiguous coverage of a series
	// in continuous mode advances: everything from where the run started
	// up to coveredUntil is stored.
	SeriesProgress(s pipeline.Series, coveredUntil time.Time)
	// SeriesRemoved is called when a series is no longer followed (see
	// Following.Remove): its progress will not be reported any more.
	SeriesRemoved(s pipeline.Series)
}

// Kinds of error, for metric labels.
const (
	KindPermanent = "permanent" // retrying cannot help
	// KindStorageFull is a sink out of space: retrying helps once space
	// is freed.
	KindStorageFull = "storage_full"
	// KindBlocked is a write block set on the search cluster (by hand
	// or a tool): retrying helps once someone lifts it.
	KindBlocked   = "blocked"
	KindThrottle  = "throttle"  // the server asked to slow down
	KindCanceled  = "canceled"  // the run was stopped
	KindTransient = "transient" // anything else: retrying may help
)

// ErrorKind classifies err as one of the Kind* constants.
func ErrorKind(err error) string {
	var t *pipeline.ThrottleError
	switch {
	case pipeline.IsStorageFull(err):
		return KindStorageFull
	case pipeline.IsBlocked(err):
		return KindBlocked
	case pipeline.IsPermanent(err):
		return KindPermanent
	case errors.As(err, &t):
		return KindThrottle
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return KindCanceled
	default:
		return KindTransient
	}
}

type nopObserver struct{}

func (nopObserver) WindowStarted(pipeline.Window)                           {}
func (nopObserver) WindowDone(pipeline.Window, Stats, error, time.Duration) {}
func (nopObserver) BatchWritten(int, time.Duration)                         {}
func (nopObserver) Retry(string)                                            {}
func (nopObserver) SeriesProgress(pipeline.Series, time.Time)               {}
func (nopObserver) SeriesRemoved(pipeline.Series)                           {}
