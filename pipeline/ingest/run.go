package ingest

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/sourcegraph/conc/pool"

	"github.com/aspaudit/aspaudit/pipeline"
)

// progressEvery spaces the progress calls made after batches.
const progressEvery = 100 * time.Millisecond

// run is the state shared by the windows of one Backfill, Continuous or
// Windows call.
type run struct {
	e *Engine
	// stop ends when the caller's context does: no new window or attempt
	// starts after it.
	stop context.Context
	// work is what windows in flight run under: it outlives stop by the
	// shutdown grace period.
	work    context.Context
	release func()
	// slots bounds the windows processed at once, across series.
	slots  chan struct{}
	record bool
	// marks records settled windows: the engine's checkpoint store, or a
	// gate in front of it (see leaseGate).
	marks pipeline.CheckpointStore
	// service is a run that keeps going (run without --once): it retries
	// windows whatever the error, where one-shot runs give up on some.
	service bool
	// following is a continuous run, whose passes recheck parked series.
	following bool
	start     time.Time

	mu           sync.Mutex
	sum          Summary
	failures     map[windowKey]WindowFailure
	parked       map[pipeline.Series]parked
	events       int64
	lastProgress time.Time
}

type windowKey struct {
	series     pipeline.Series
	start, end int64
}

func keyOf(w pipeline.Window) windowKey {
	return windowKey{w.Series, w.Start.UnixNano(), w.End.UnixNano()}
}

func (e *Engine) newRun(ctx context.Context, record bool) *run {
	work, release := withGrace(ctx, e.cfg.ShutdownTimeout)
	return &run{
		e: e, stop: ctx, work: work, release: release,
		slots:    make(chan struct{}, e.cfg.Concurrency),
		record:   record,
		marks:    e.deps.Checkpoints,
		start:    time.Now(),
		failures: map[windowKey]WindowFailure{},
		parked:   map[pipeline.Series]parked{},
	}
}

// pacedWorkers is how many goroutines per window slot runAll keeps: those
// beyond the slots wait for their project's rate limit (Pacer) without
// holding a slot, so one project's pace does not idle the slots.
const pacedWorkers = 4

// runAll settles windows with bounded concurrency, in order, until stopped.
// A window that failed waits for its retry in the schedule, holding no
// slot: healthy windows run meanwhile.
func (r *run) runAll(windows []pipeline.Window) {
	s := newSchedule(windows)
	p := pool.New().WithMaxGoroutines(r.e.cfg.Concurrency * pacedWorkers)
	for {
		t, ok := s.next(r.stop)
		if !ok {
			break
		}
		p.Go(func() { s.done(t, r.step(t)) })
	}
	p.Wait()
	if n := s.left(); n > 0 {
		r.canceled(n)
	}
}

// acquire takes a concurrency slot, or returns ctx's error.
func (r *run) acquire(ctx context.Context) error {
	select {
	case r.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *run) releaseSlot() { <-r.slots }

func (r *run) planned(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Planned += n
}

func (r *run) canceled(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Canceled += n
}

// failed records a failure that is not a window's: the coverage of a series
// could not be read, so the range rg of s could not be planned.
func (r *run) failed(s pipeline.Series, rg pipeline.Range, err error) {
	w := pipeline.Window{Series: s, Start: rg.Start, End: rg.End}
	r.e.log.Error("reading coverage failed", "series", s.String(), "error", err)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop.Err() != nil {
		return
	}
	r.sum.Failed++
	r.failures[keyOf(w)] = WindowFailure{Window: w, Err: err, Attempts: 1}
}

// forget drops the failures recorded for s: a later pass settled them.
func (r *run) forget(s pipeline.Series) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.failures {
		if k.series == s {
			delete(r.failures, k)
		}
	}
}

// onBatch counts written events and calls the progress function, at most
// every progressEvery.
func (r *run) onBatch(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events += int64(n)
	if time.Since(r.lastProgress) >= progressEvery {
		r.progressLocked()
	}
}

func (r *run) progressLocked() {
	if r.e.deps.Progress == nil {
		return
	}
	r.lastProgress = time.Now()
	r.e.deps.Progress(Progress{
		WindowsTotal: r.sum.Planned, WindowsDone: r.sum.Done, WindowsFailed: r.sum.Failed,
		Events: r.events, Elapsed: time.Since(r.start),
	})
}

// summary ends the run and returns its summary.
func (r *run) summary() Summary {
	r.release()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sum
	s.Elapsed = time.Since(r.start)
	s.Stopped = r.stop.Err() != nil
	for _, f := range r.failures {
		s.Failures = append(s.Failures, f)
	}
	slices.SortFunc(s.Failures, func(a, b WindowFailure) int {
		if c := a.Window.Start.Compare(b.Window.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.Window.Series.String(), b.Window.Series.String())
	})
	return s
}

// coverage reads the coverage of s, retrying transient failures (a state
// index still starting, a cluster briefly unreachable) with the policy.
func (r *run) coverage(s pipeline.Series) (pipeline.Coverage, error) {
	var cov pipeline.Coverage
	err := r.e.cfg.Retry.Do(r.stop, func(ctx context.Context) error {
		var err error
		cov, err = r.e.deps.Checkpoints.Coverage(ctx, s)
		return err
	}, func(attempt int, err error, wait time.Duration) {
		r.e.obs.Retry(ErrorKind(err))
		r.e.log.Warn("reading coverage failed, retrying", "series", s, "attempt", attempt, "wait", wait, "err", err)
	})
	return cov, err
}
