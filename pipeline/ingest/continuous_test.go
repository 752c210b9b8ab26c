package ingest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aspaudit/aspaudit/pipeline"
)

// progressLog records the observer's series progress.
type progressLog struct {
	nopObserver
	mu    sync.Mutex
	until map[pipeline.Series]time.Time
	kinds []string
}

func (p *progressLog) SeriesProgress(s pipeline.Series, t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.until == nil {
		p.until = map[pipeline.Series]time.Time{}
	}
	p.until[s] = t
}

func (p *progressLog) Retry(kind string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.kinds = append(p.kinds, kind)
}

func TestContinuousOnceFirstPassThenOverlap(t *testing.T) {
	obs := &progressLog{}
	r := newRig(t, nil) // now 10 Nov 12:00; window 6h, lag 10m, overlap 30m, start 24h
	r.e.obs = obs
	sum, err := r.e.Continuous(context.Background(), []pipeline.Series{seriesA}, true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Planned != 4 || sum.Done != 4 {
		t.Errorf("first pass: %+v, want 4 windows", sum)
	}
	want := pipeline.Range{Start: at(9, 12, 0), End: at(10, 11, 50)}
	if cov := r.store.Covered(seriesA); len(cov) != 1 || cov[0] != want {
		t.Errorf("coverage %v, want %v", cov, want)
	}
	if got := obs.until[seriesA]; !got.Equal(want.End) {
		t.Errorf("progress until %v, want %v", got, want.End)
	}

	r.now = r.now.Add(5 * time.Minute)
	sum, _ = r.e.Continuous(context.Background(), []pipeline.Series{seriesA}, true)
	overlap := win(seriesA, at(10, 11, 20), at(10, 11, 55))
	if sum.Planned != 1 || sum.Done != 1 || r.src.fetchCount(overlap) != 1 {
		t.Errorf("second pass: %+v, fetched the overlap window %d times", sum, r.src.fetchCount(overlap))
	}
	if last := r.store.Covered(seriesA).Last(); !last.Equal(at(10, 11, 55)) {
		t.Errorf("coverage ends %v", last)
	}
}

func TestContinuousFillsGapsAndResumesAfterDowntime(t *testing.T) {
	r := newRig(t, nil)
	r.store.Set(seriesA, pipeline.Coverage{{Start: at(9, 12, 0), End: at(10, 0, 0)}, {Start: at(10, 6, 0), End: at(10, 11, 0)}})
	r.store.Set(seriesB, pipeline.Coverage{{Start: at(1, 0, 0), End: at(2, 0, 0)}})
	sum, _ := r.e.Continuous(context.Background(), []pipeline.Series{seriesA, seriesB}, true)
	if sum.Failed != 0 {
		t.Fatalf("summary %+v", sum)
	}
	if got := r.store.Covered(seriesA); !got.Covers(pipeline.Range{Start: at(9, 12, 0), End: at(10, 11, 50)}) {
		t.Errorf("A: gap not filled: %v", got)
	}
	if got := r.store.Covered(seriesB); len(got) != 1 || !got[0].End.Equal(at(10, 11, 50)) || !got[0].Start.Equal(at(1, 0, 0)) {
		t.Errorf("B: did not resume from the end of coverage: %v", got)
	}
}

// A window that keeps failing is retried pass after pass, never skipped,
// while the other series goes on; once it succeeds coverage has no gap.
func TestContinuousRetriesFailingWindowUntilStored(t *testing.T) {
	defer goleak.VerifyNone(t)
	stuck := win(seriesA, at(10, 0, 0), at(10, 6, 0))
	var passes atomic.Int32
	r := newRig(t, func(r *rig) {
		r.cfg.PollInterval = time.Millisecond
		r.cfg.Retry.MaxAttempts = 2
		r.src.fail = func(w pipeline.Window, n int) error {
			if w == stuck && n <= 5 {
				return errors.New("503")
			}
			return nil
		}
	})
	base := r.now
	r.e.now = func() time.Time { return base.Add(time.Duration(passes.Add(1)) * time.Minute) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan Summary)
	go func() {
		sum, _ := r.e.Continuous(ctx, []pipeline.Series{seriesA, seriesB}, false)
		done <- sum
	}()
	deadline := time.After(10 * time.Second)
	for !r.store.Covered(seriesA).Covers(stuck.Range()) {
		select {
		case <-deadline:
			cancel()
			t.Fatalf("the failing window was never stored; coverage %v", r.store.Covered(seriesA))
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	sum := <-done
	if n := r.src.fetchCount(stuck); n != 6 {
		t.Errorf("stuck window fetched %d times, want 6", n)
	}
	if sum.Failed != 2 || len(sum.Failures) != 0 || !sum.Stopped {
		t.Errorf("summary %+v: want 2 failed passes and no failure left", sum)
	}
	cov := r.store.Covered(seriesA)
	if len(cov) != 1 || cov[0].Start.After(at(9, 12, 5)) {
		t.Errorf("coverage has a gap or starts late: %v", cov)
	}
}

// In run mode a series stuck on a failing window does not hold the others
// back: they keep polling.
func TestContinuousStuckSeriesDoesNotHoldOthers(t *testing.T) {
	defer goleak.VerifyNone(t)
	var ticks atomic.Int32
	r := newRig(t, func(r *rig) {
		r.cfg.PollInterval = time.Millisecond
		r.src.fail = func(w pipeline.Window, _ int) error {
			if w.Series == seriesA && w.Start.Equal(at(10, 0, 0)) {
				return pipeline.Permanent(errors.New("403"))
			}
			return nil
		}
	})
	base := r.now
	r.e.now = func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Minute) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan Summary)
	go func() {
		sum, _ := r.e.Continuous(ctx, []pipeline.Series{seriesA, seriesB}, false)
		done <- sum
	}()
	target := base.Add(20*time.Minute - r.cfg.Lag)
	deadline := time.After(10 * time.Second)
	for r.store.Covered(seriesB).Last().Before(target) {
		select {
		case <-deadline:
			cancel()
			t.Fatalf("B stopped at %v", r.store.Covered(seriesB).Last())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	sum := <-done
	if len(sum.Failures) == 0 || sum.Failures[0].Window.Series != seriesA {
		t.Errorf("failures %v, want A's stuck window", sum.Failures)
	}
	if a := r.store.Covered(seriesA); len(a) != 2 {
		t.Errorf("A coverage %v: want everything but the stuck window", a)
	}
}

func TestContinuousFailingSeriesDoesNotStopOthers(t *testing.T) {
	obs := &progressLog{}
	r := newRig(t, func(r *rig) {
		r.src.fail = func(w pipeline.Window, _ int) error {
			if w.Series == seriesB {
				return pipeline.Throttle(errors.New("429"), time.Millisecond)
			}
			return nil
		}
	})
	r.e.obs = obs
	sum, _ := r.e.Continuous(context.Background(), []pipeline.Series{seriesA, seriesB}, true)
	if sum.Done != 4 || sum.Failed != 4 || len(sum.Failures) != 4 {
		t.Errorf("summary %+v", sum)
	}
	if len(obs.kinds) != 8 || obs.kinds[0] != KindThrottle {
		t.Errorf("retries observed %v, want 8 throttle", obs.kinds)
	}
	if r.store.Covered(seriesB) != nil || r.store.Covered(seriesA) == nil {
		t.Errorf("coverage A %v, B %v", r.store.Covered(seriesA), r.store.Covered(seriesB))
	}
}

func TestContinuousShutdown(t *testing.T) {
	t.Run("while waiting for the next poll", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		r := newRig(t, func(r *rig) { r.cfg.PollInterval = time.Hour })
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for r.store.Marks() < 8 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		start := time.Now()
		sum, err := r.e.Continuous(ctx, []pipeline.Series{seriesA, seriesB}, false)
		if err != nil || sum.Done != 8 || !sum.Stopped || time.Since(start) > 5*time.Second {
			t.Errorf("summary %+v, err %v after %v", sum, err, time.Since(start))
		}
	})
	t.Run("abandoning a stuck window after the grace period", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		r := newRig(t, func(r *rig) {
			r.sink.block = true
			r.cfg.ShutdownTimeout = 20 * time.Millisecond
		})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		sum, _ := r.e.Continuous(ctx, []pipeline.Series{seriesA, seriesB}, false)
		if sum.Done != 0 || sum.Canceled != 8 || r.store.Marks() != 0 {
			t.Errorf("summary %+v, %d marks", sum, r.store.Marks())
		}
	})
}

func TestContinuousNeedsSeries(t *testing.T) {
	r := newRig(t, nil)
	if _, err := r.e.Continuous(context.Background(), nil, true); err == nil {
		t.Error("no error without series")
	}
}

// TestFollowingAddAndRemove follows a series whose every fetch fails for
// good (a deleted workspace), adds a second one while running, then
// removes the first: it is fetched no more, its failures leave the
// summary, and the second goes on.
func TestFollowingAddAndRemove(t *testing.T) {
	defer goleak.VerifyNone(t)
	var ticks atomic.Int32
	r := newRig(t, func(r *rig) {
		r.cfg.PollInterval = time.Millisecond
		r.src.fail = func(w pipeline.Window, _ int) error {
			if w.Series == seriesA {
				return pipeline.Permanent(errors.New("404 STREAM_TENANT_NOT_FOUND_FOR_NAME"))
			}
			return nil
		}
	})
	base := r.now
	r.e.now = func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Minute) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}

	fl := r.e.Follow(ctx, false)
	fl.Add(seriesA)
	waitFor("A to be fetched twice", func() bool { return r.src.seriesFetches(seriesA) >= 2 })
	fl.Add(seriesB, seriesA) // A is followed already
	waitFor("B to be stored", func() bool { return r.store.Covered(seriesB) != nil })
	if got := fl.Series(); len(got) != 2 {
		t.Fatalf("following %v, want A and B", got)
	}
	if !fl.Remove(seriesA) || fl.Remove(seriesA) {
		t.Fatal("Remove: want true for a followed series, then false")
	}
	if got := fl.Series(); len(got) != 1 || got[0] != seriesB {
		t.Fatalf("following %v after removing A, want B", got)
	}
	// B keeps going; A, once its pass in flight is over, is not fetched.
	progress := func(d time.Duration) {
		target := r.store.Covered(seriesB).Last().Add(d)
		waitFor("B to go on", func() bool { return !r.store.Covered(seriesB).Last().Before(target) })
	}
	progress(5 * time.Minute)
	before := r.src.seriesFetches(seriesA)
	progress(20 * time.Minute)
	if after := r.src.seriesFetches(seriesA); after != before {
		t.Errorf("A fetched %d more times after it was removed", after-before)
	}
	cancel()
	sum := fl.Wait()
	for _, f := range sum.Failures {
		if f.Window.Series == seriesA {
			t.Errorf("the summary keeps a failure of the removed series: %v", f)
		}
	}
	if sum.Done == 0 || !sum.Stopped {
		t.Errorf("summary %+v", sum)
	}
}

// gatedSink holds every write until open is closed, then writes to the
// recSink.
type gatedSink struct {
	*recSink
	open    chan struct{}
	waiting atomic.Int32
}

func (s *gatedSink) Write(ctx context.Context, batch []pipeline.Event) (pipeline.WriteResult, error) {
	s.waiting.Add(1)
	select {
	case <-s.open:
	case <-ctx.Done():
		return pipeline.WriteResult{}, ctx.Err()
	}
	return s.recSink.Write(ctx, batch)
}

// TestFollowingWaitingSeriesHoldOneGoroutineEach follows 300 series of
// four windows each with two slots, while the sink holds every write: the
// series waiting for a slot wait in their own follower, so the run holds
// about one goroutine per series, not one per series and slot (900 here).
// Once the sink lets go, every window of every series is stored once.
func TestFollowingWaitingSeriesHoldOneGoroutineEach(t *testing.T) {
	const n = 300
	sink := &gatedSink{recSink: &recSink{}, open: make(chan struct{})}
	r := newRig(t, func(r *rig) { r.cfg.Concurrency = 2 })
	r.e.deps.Sink = sink
	var series []pipeline.Series
	for i := range n {
		series = append(series, pipeline.Series{ProjectID: seriesA.ProjectID, Workspace: fmt.Sprintf("ws-%03d", i)})
	}
	before := runtime.NumGoroutine()
	done := make(chan Summary)
	go func() {
		sum, _ := r.e.Continuous(context.Background(), series, true)
		done <- sum
	}()
	for sink.waiting.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let every follower reach its wait
	held := runtime.NumGoroutine() - before
	close(sink.open)
	sum := <-done
	t.Logf("%d series, 2 slots, sink held: %d goroutines", n, held)
	// n followers, the two windows in flight with their workers, and the
	// run's own few.
	if limit := n + 2*(r.cfg.Workers+4) + 10; held > limit {
		t.Errorf("%d goroutines while %d series wait for 2 slots, want at most %d", held, n, limit)
	}
	if sum.Planned != 4*n || sum.Done != 4*n || sum.Failed != 0 {
		t.Errorf("summary %+v, want %d windows done", sum, 4*n)
	}
	if got, want := len(sink.docs()), 4*n*120; got != want {
		t.Errorf("stored %d events, want %d", got, want)
	}
}
