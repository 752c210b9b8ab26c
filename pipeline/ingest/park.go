package ingest

import (
	"errors"
	"fmt"
	"maps"

	"github.com/aspaudit/aspaudit/pipeline"
)

// ParkObserver is an Observer that also hears of parked series (see
// Following.Parked): the engine checks for it with a type assertion.
type ParkObserver interface {
	// SeriesParked is called once when s is parked, with the reason
	// (ParkReason's value: "forbidden", "not_found", ...) and the error,
	// which says what to do.
	SeriesParked(s pipeline.Series, reason string, err error)
	// SeriesUnparked is called when a parked series is fetched again, or
	// stops being followed.
	SeriesUnparked(s pipeline.Series)
}

// ParkReasoner is an error that says a series cannot be fetched until
// something changes outside the process: a credential, a role, the
// access list, a workspace deleted or misspelt. The source's errors
// implement it; ParkReason returns a short label ("forbidden") or "" when
// the error is not of that kind.
type ParkReasoner interface {
	ParkReason() string
}

// parkReason returns why err parks its series, or "" when it does not: only
// permanent errors whose source says what they are park; other permanent
// errors (a parser bug) keep being retried with backoff.
func parkReason(err error) string {
	var p ParkReasoner
	if !pipeline.IsPermanent(err) || !errors.As(err, &p) {
		return ""
	}
	return p.ParkReason()
}

// ErrParked is the cause of the failures of windows a backfill skipped
// because their series was parked by an earlier window's error.
var ErrParked = errors.New("series parked")

// park records that s failed for good with err, which must have a park
// reason. The first time, it logs one error line and tells the observer;
// it returns whether s was not parked before.
func (r *run) park(s pipeline.Series, err error) bool {
	reason := parkReason(err)
	r.mu.Lock()
	_, was := r.parked[s]
	r.parked[s] = parked{reason: reason, err: err}
	r.mu.Unlock()
	if was {
		r.e.log.Debug("series still parked", "series", s.String(), "error", err)
		return false
	}
	r.e.log.Error("series parked: no more requests for it until the cause is fixed; it is tried again at the next workspace listing or after pipeline.park_recheck",
		"series", s.String(), "reason", reason, "recheck", r.e.cfg.ParkRecheck.String(), "error", err)
	if o, ok := r.e.obs.(ParkObserver); ok {
		o.SeriesParked(s, reason, err)
	}
	return true
}

// unpark forgets that s was parked; quiet says why: it left the run
// rather than being fetched again.
func (r *run) unpark(s pipeline.Series, quiet bool) {
	r.mu.Lock()
	_, was := r.parked[s]
	delete(r.parked, s)
	r.mu.Unlock()
	if !was {
		return
	}
	if !quiet {
		r.e.log.Info("series unparked: fetched again", "series", s.String())
	}
	if o, ok := r.e.obs.(ParkObserver); ok {
		o.SeriesUnparked(s)
	}
}

// skipParked returns, in a one-shot run of windows (backfill, import),
// the error that parked s: its other windows fail at once without a
// request, since they would fail the same way. It returns nil when s is
// not parked, and always in continuous mode, whose passes are the
// rechecks.
func (r *run) skipParked(s pipeline.Series) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.parked[s]
	if !ok || r.following {
		return nil
	}
	return pipeline.Permanent(fmt.Errorf("%w (%s): %w", ErrParked, p.reason, p.err))
}

// parked is one parked series' cause.
type parked struct {
	reason string
	err    error
}

// Parked returns the series parked now, each with its reason and error.
func (fl *Following) Parked() map[pipeline.Series]error {
	fl.r.mu.Lock()
	defer fl.r.mu.Unlock()
	out := make(map[pipeline.Series]error, len(fl.r.parked))
	for s, p := range maps.All(fl.r.parked) {
		out[s] = fmt.Errorf("%s: %w", p.reason, p.err)
	}
	return out
}

// Recheck makes every parked series try again now, as the next workspace
// listing should: a fixed role or access list shows at once. Like Add, it
// is called from the goroutine that owns the Following.
func (fl *Following) Recheck() {
	for _, f := range fl.followers {
		select {
		case f.wake <- struct{}{}:
		default:
		}
	}
}
