package ingest

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sourcegraph/conc"
	"github.com/sourcegraph/conc/pool"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// Continuous keeps every series up to date: each series is followed on its
// own, and on every pass (every poll interval) fetches what continuousRanges
// plans, in windows of the configured size, with the configured
// concurrency shared by all series. A window that fails is retried with the
// policy, and a pass that still failed is retried after the policy's backoff
// rather than the poll interval, forever: the failed window stays uncovered
// and is planned again, so it is never skipped. Other series go on.
//
// With once, every series makes one pass and Continuous returns. Otherwise
// it returns when ctx ends: no new window starts, windows in flight get the
// shutdown timeout to finish, and abandoned ones are not recorded. The
// summary then covers the whole run; its Failures are the windows whose
// series has not had a clean pass since.
func (e *Engine) Continuous(ctx context.Context, series []pipeline.Series, once bool) (Summary, error) {
	if len(series) == 0 {
		return Summary{}, errors.New("continuous: no series given")
	}
	r := e.newRun(ctx, true)
	var wg conc.WaitGroup
	for _, s := range series {
		f := &follower{r: r, s: s}
		wg.Go(func() { f.follow(once) })
	}
	wg.Wait()
	return r.summary(), nil
}

// follower follows one series in continuous mode.
type follower struct {
	r      *run
	s      pipeline.Series
	anchor time.Time // where this process started the series

	mu  sync.Mutex
	cov pipeline.Coverage
}

func (f *follower) follow(once bool) {
	cfg := f.r.e.cfg
	failures := 0
	for {
		err := f.pass()
		if once || f.r.stop.Err() != nil {
			return
		}
		wait := cfg.PollInterval
		if err != nil {
			failures++
			wait = cfg.Retry.Wait(failures, err)
			f.r.e.log.Warn("series pass failed, retrying", "series", f.s.String(), "wait", wait.Round(time.Millisecond), "error", err)
		} else {
			failures = 0
		}
		if retry.Sleep(f.r.stop, wait) != nil {
			return
		}
	}
}

// pass plans the series from its coverage and settles the planned windows.
func (f *follower) pass() error {
	r := f.r
	cov, err := r.coverage(f.s)
	if err != nil {
		if r.stop.Err() == nil {
			r.failed(f.s, pipeline.Range{}, err)
		}
		return err
	}
	ranges, floor := continuousRanges(cov, r.e.now(), f.anchor, r.e.cfg)
	if f.anchor.IsZero() || floor.Before(f.anchor) {
		f.anchor = floor
	}
	var windows []pipeline.Window
	for _, rg := range ranges {
		windows = append(windows, pipeline.Split(f.s, rg, r.e.cfg.Window)...)
	}
	f.mu.Lock()
	f.cov = cov
	f.mu.Unlock()
	r.e.obs.SeriesProgress(f.s, contiguousUntil(cov, f.anchor))
	r.planned(len(windows))

	var mu sync.Mutex
	var firstErr error
	p := pool.New().WithMaxGoroutines(r.e.cfg.Concurrency)
	for i, w := range windows {
		if r.stop.Err() != nil {
			r.canceled(len(windows) - i)
			break
		}
		p.Go(func() {
			err := r.settle(w)
			if err == nil {
				f.covered(w)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if firstErr == nil {
				firstErr = err
			}
		})
	}
	p.Wait()
	if firstErr == nil && r.stop.Err() == nil {
		r.forget(f.s)
	}
	return firstErr
}

// covered adds a recorded window to the series' coverage and reports the
// series' progress.
func (f *follower) covered(w pipeline.Window) {
	f.mu.Lock()
	f.cov = f.cov.Add(w.Range())
	until := contiguousUntil(f.cov, f.anchor)
	f.mu.Unlock()
	f.r.e.obs.SeriesProgress(f.s, until)
}
