package ingest

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sourcegraph/conc"

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
	f := e.Follow(ctx, once)
	f.Add(series...)
	return f.Wait(), nil
}

// Following is a continuous run (see Continuous) whose series can change
// while it runs: series found later are added, and series that went away
// (a deleted workspace) are removed, all sharing one concurrency limit and
// one summary. Add, Remove and Wait are used from one goroutine.
type Following struct {
	r         *run
	once      bool
	followers map[pipeline.Series]*seriesFollower
	wg        conc.WaitGroup
}

// Follow starts a continuous run with no series yet; see Continuous for
// what ctx and once mean.
func (e *Engine) Follow(ctx context.Context, once bool) *Following {
	r := e.newRun(ctx, true)
	r.service, r.following = !once, true
	return &Following{r: r, once: once, followers: map[pipeline.Series]*seriesFollower{}}
}

// Add follows series not followed yet.
func (fl *Following) Add(series ...pipeline.Series) {
	for _, s := range series {
		if _, ok := fl.followers[s]; ok {
			continue
		}
		ctx, cancel := context.WithCancel(fl.r.stop)
		f := &seriesFollower{r: fl.r, s: s, ctx: ctx, quit: cancel, wake: make(chan struct{}, 1)}
		fl.followers[s] = f
		fl.wg.Go(func() {
			defer cancel()
			f.follow(fl.once)
		})
	}
}

// Remove stops following s: no pass of it starts any more (a window in
// flight still finishes or fails), and its failures leave the summary. It
// reports whether s was followed.
func (fl *Following) Remove(s pipeline.Series) bool {
	f, ok := fl.followers[s]
	if !ok {
		return false
	}
	delete(fl.followers, s)
	f.quit()
	return true
}

// Series returns the series followed now.
func (fl *Following) Series() []pipeline.Series {
	out := make([]pipeline.Series, 0, len(fl.followers))
	for s := range fl.followers {
		out = append(out, s)
	}
	return out
}

// Wait waits for every follower to end (after one pass with once, else
// when the run's context ends) and returns the run's summary. No Add may
// follow it.
func (fl *Following) Wait() Summary { return fl.wait(false) }

// wait is Wait; with letGo (the run was let go while the process goes on:
// another replica follows its series now) its series leave the summary's
// failures, the parked series and the lag metrics, as removed ones do.
func (fl *Following) wait(letGo bool) Summary {
	fl.wg.Wait()
	if letGo {
		for _, f := range fl.followers {
			f.removed()
		}
	}
	return fl.r.summary()
}

// seriesFollower follows one series in continuous mode, for a Following
// (which follows a set of series; groupFollower follows groups of them).
type seriesFollower struct {
	r      *run
	s      pipeline.Series
	anchor time.Time // where this process started the series
	// ctx ends with the run or when the series is removed (quit).
	ctx  context.Context
	quit context.CancelFunc
	// wake cuts a parked series' wait short (Following.Recheck).
	wake chan struct{}

	mu  sync.Mutex
	cov pipeline.Coverage
}

func (f *seriesFollower) follow(once bool) {
	cfg := f.r.e.cfg
	failures := 0
	for {
		if f.ctx.Err() != nil && f.r.stop.Err() == nil {
			f.removed()
			return
		}
		err := f.pass()
		if once || f.r.stop.Err() != nil {
			return
		}
		if f.ctx.Err() == nil && parkReason(err) != "" {
			// Retrying cannot help until something changes outside:
			// wait for a recheck instead of backing off forever.
			f.r.park(f.s, err)
			f.parkedWait()
			continue
		}
		if err == nil {
			f.r.unpark(f.s, false)
		}
		wait := cfg.PollInterval
		if err != nil && f.ctx.Err() == nil {
			failures++
			wait = cfg.Retry.Wait(failures, err)
			f.r.e.log.Warn("series pass failed, retrying", "series", f.s.String(), "wait", wait.Round(time.Millisecond), "error", err)
		} else if err == nil {
			failures = 0
		}
		_ = retry.Sleep(f.ctx, wait)
	}
}

// parkedWait waits for a recheck of the parked series: Following.Recheck,
// or pipeline.park_recheck.
func (f *seriesFollower) parkedWait() {
	t := time.NewTimer(f.r.e.cfg.ParkRecheck)
	defer t.Stop()
	select {
	case <-f.ctx.Done():
	case <-f.wake:
	case <-t.C:
	}
}

// removed ends a removed series: what failed of it no longer counts.
func (f *seriesFollower) removed() {
	f.r.unpark(f.s, true)
	f.r.forget(f.s)
	f.r.e.obs.SeriesRemoved(f.s)
	f.r.e.log.Debug("stopped following series", "series", f.s.String())
}

// pass plans the series from its coverage and settles the planned windows.
func (f *seriesFollower) pass() error {
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

	// The follower takes each window's slot before it starts the window's
	// goroutine, so a series waiting for its turn is one goroutine, not
	// one per slot: with a thousand series, thousands of parked stacks.
	// A window that fails gives its slot back for its retry's wait.
	var mu sync.Mutex
	var firstErr error
	var wg conc.WaitGroup
	for i, w := range windows {
		if f.ctx.Err() != nil || r.take(f.ctx, w) != nil { // the run stops, or the series was removed
			r.canceled(len(windows) - i)
			break
		}
		wg.Go(func() {
			err := r.settle(w, true)
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
	wg.Wait()
	if firstErr == nil && r.stop.Err() == nil {
		r.forget(f.s)
	}
	return firstErr
}

// covered adds a recorded window to the series' coverage and reports the
// series' progress.
func (f *seriesFollower) covered(w pipeline.Window) {
	f.mu.Lock()
	f.cov = f.cov.Add(w.Range())
	until := contiguousUntil(f.cov, f.anchor)
	f.mu.Unlock()
	f.r.e.obs.SeriesProgress(f.s, until)
}
