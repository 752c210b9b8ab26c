package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// settle processes w with retries and records it. It returns nil when w is
// settled (and recorded, when the run records), else the last error. With
// held, its caller took a slot for w's first attempt (see take), which
// settle gives back.
func (r *run) settle(w pipeline.Window, held bool) error {
	if err := r.stop.Err(); err != nil {
		if held {
			r.releaseSlot()
		}
		r.canceled(1)
		return err
	}
	// stats sums every attempt: what a failed attempt wrote is stored
	// (a later attempt finds it as duplicates), so the summary counts it.
	var stats Stats
	attempts := 0
	err := r.e.cfg.Retry.Do(r.stop, func(context.Context) error {
		attempts++
		start := time.Now()
		var st Stats
		var err error
		if held {
			held = false
			st, err = r.attemptHeld(w)
		} else {
			st, err = r.attempt(w)
		}
		stats.Add(st)
		return r.storageFull(err, start)
	}, func(attempt int, err error, wait time.Duration) {
		r.e.obs.Retry(ErrorKind(err))
		r.e.log.Warn("window failed, retrying", "window", w.String(), "attempt", attempt,
			"wait", wait.Round(time.Millisecond), "error", err)
	})
	if held { // Do made no attempt: the run stopped first
		r.releaseSlot()
	}
	stats.Retries += int64(attempts - 1)
	r.finish(w, stats, attempts, err)
	return err
}

// step makes one attempt at t's window and settles it, or reports that it
// should be tried again at t.due (see retry.Policy.Next).
func (r *run) step(t *task) (again bool) {
	if t.attempts == 0 {
		if err := r.stop.Err(); err != nil {
			r.canceled(1)
			return false
		}
		if err := r.skipParked(t.w.Series); err != nil {
			r.finish(t.w, t.stats, 0, err) // no request: it would fail the same way
			return false
		}
		t.first = time.Now()
	}
	t.attempts++
	start := time.Now()
	st, err := r.attempt(t.w)
	err = r.storageFull(err, start)
	// What a failed attempt wrote is stored (a later attempt finds it as
	// duplicates), so the summary counts every attempt.
	t.stats.Add(st)
	if err == nil {
		t.stats.Retries += int64(t.attempts - 1)
		r.finish(t.w, t.stats, t.attempts, nil)
		return false
	}
	wait, final := r.e.cfg.Retry.Next(r.stop, t.attempts, t.first, err)
	if final == nil {
		r.e.obs.Retry(ErrorKind(err))
		r.e.log.Warn("window failed, retrying", "window", t.w.String(), "attempt", t.attempts,
			"wait", wait.Round(time.Millisecond), "error", err)
		t.due = time.Now().Add(wait)
		return true
	}
	t.stats.Retries += int64(t.attempts - 1)
	r.finish(t.w, t.stats, t.attempts, final)
	return false
}

// attempt runs w once, in a concurrency slot (see take and attemptHeld).
func (r *run) attempt(w pipeline.Window) (Stats, error) {
	if err := r.take(r.stop, w); err != nil {
		return Stats{}, err
	}
	return r.attemptHeld(w)
}

// take waits for the source's pace for w's project (see Pacer), then takes
// a concurrency slot, or returns ctx's error. The slot is the caller's to
// give back (attemptHeld does).
func (r *run) take(ctx context.Context, w pipeline.Window) error {
	if p := r.e.pacer; p != nil {
		if err := p.Ready(ctx, w.ProjectID); err != nil {
			return err
		}
	}
	return r.acquire(ctx)
}

// attemptHeld runs w once in the slot its caller took, gives the slot back
// and records w on success. It works under the run's work context, so that
// once the run is asked to stop an attempt in flight may still finish
// within the grace period.
func (r *run) attemptHeld(w pipeline.Window) (Stats, error) {
	if err := r.skipParked(w.Series); err != nil {
		r.releaseSlot()
		return Stats{}, err // parked while this one waited for its slot
	}
	defer r.releaseSlot()
	r.e.obs.WindowStarted(w)
	start := time.Now()
	st, err := r.e.window(r.work, w, r.onBatch)
	if err == nil && r.record && !w.Range().Empty() {
		if err = r.marks.MarkStored(r.work, w.Series, w.Range()); err != nil {
			err = fmt.Errorf("recording %s: %w", w, err)
		}
	}
	r.e.obs.WindowDone(w, st, err, time.Since(start))
	if parkReason(err) != "" {
		// Before the slot goes to the next window of the series.
		r.park(w.Series, err)
	}
	return st, err
}

func (r *run) finish(w pipeline.Window, st Stats, attempts int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err == nil:
		r.sum.Done++
		r.sum.Stats.Add(st)
		delete(r.failures, keyOf(w))
		r.e.log.Debug("window done", "window", w.String(), "events", st.Events, "stored", st.Stored,
			"duplicates", st.Duplicates, "dead_lettered", st.DeadLettered)
	case r.stop.Err() != nil:
		r.sum.Canceled++
		r.sum.Stats.Add(st)
		r.e.log.Warn("window abandoned: the run is stopping", "window", w.String(), "error", err)
	default:
		r.sum.Failed++
		r.sum.Stats.Add(st)
		r.failures[keyOf(w)] = WindowFailure{Window: w, Err: err, Attempts: attempts}
		if parkReason(err) != "" {
			// Its series is parked, which is logged once for all its windows.
			r.e.log.Debug("window failed", "window", w.String(), "attempts", attempts, "error", err)
			break
		}
		r.e.log.Error("window failed", "window", w.String(), "attempts", attempts, "error", err)
	}
	r.progressLocked()
}
