package ingest

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aspaudit/aspaudit/pipeline"
)

func TestBackfillRecordsEveryWindowAfterItsEvents(t *testing.T) {
	r := newRig(t, func(r *rig) {
		r.cfg.Concurrency = 3
		r.sink.delay = 2 * time.Millisecond // slow sink: writes overlap the other windows
	})
	// When a window is recorded, every one of its lines is stored and no
	// write is left for it.
	var mu sync.Mutex
	var problems []string
	r.store.OnMark = func(s pipeline.Series, rg pipeline.Range) {
		w := win(s, rg.Start, rg.End)
		for _, l := range strings.Split(strings.TrimSuffix(lines(w, 120), "\n"), "\n") {
			if !r.sink.has(l) {
				mu.Lock()
				problems = append(problems, "recorded "+w.String()+" before storing "+l)
				mu.Unlock()
				return
			}
		}
	}
	sum, err := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA, seriesB}, Range: pipeline.Range{Start: day(1, 0), End: day(3, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatal(problems[0])
	}
	if sum.Planned != 16 || sum.Done != 16 || sum.Failed != 0 || sum.Stats.Stored != 16*120 {
		t.Errorf("summary %+v", sum)
	}
	checkInvariants(t, sum.Stats)
	for _, s := range []pipeline.Series{seriesA, seriesB} {
		if !r.store.Covered(s).Covers(pipeline.Range{Start: day(1, 0), End: day(3, 0)}) {
			t.Errorf("%s not covered: %v", s, r.store.Covered(s))
		}
	}
}

func TestBackfillSkipsCoveredUnlessForced(t *testing.T) {
	r := newRig(t, nil)
	r.store.Set(seriesA, pipeline.Coverage{{Start: day(1, 3), End: day(1, 12)}})
	req := BackfillRequest{Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(2, 0)}}
	sum, err := r.e.Backfill(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	// [0,3) and [12,18), [18,24): 3 windows.
	if sum.Planned != 3 || sum.Done != 3 {
		t.Errorf("summary %+v, want 3 windows", sum)
	}
	if n := r.src.fetchCount(win(seriesA, day(1, 6), day(1, 12))); n != 0 {
		t.Errorf("covered window fetched %d times", n)
	}
	if n := r.src.fetchCount(win(seriesA, day(1, 0), day(1, 3))); n != 1 {
		t.Errorf("the uncovered start was fetched %d times", n)
	}
	// Everything is covered now: nothing to fetch.
	before := r.src.totalFetches()
	sum, _ = r.e.Backfill(context.Background(), req)
	if sum.Planned != 0 || r.src.totalFetches() != before {
		t.Errorf("second backfill planned %d windows and fetched %d", sum.Planned, r.src.totalFetches()-before)
	}
	req.Force = true
	sum, _ = r.e.Backfill(context.Background(), req)
	if sum.Planned != 4 || sum.Done != 4 || sum.Stats.Duplicates != 4*120-sum.Stats.Stored {
		t.Errorf("forced backfill: %+v, want 4 windows", sum)
	}
}

func TestBackfillClampsToNowMinusLag(t *testing.T) {
	r := newRig(t, nil) // now = 10 Nov 12:00, lag 10m
	sum, err := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(10, 0), End: day(20, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if last := r.store.Covered(seriesA).Last(); !last.Equal(day(10, 12).Add(-10*time.Minute)) || sum.Planned != 2 {
		t.Errorf("covered until %v in %d windows, want now minus lag in 2", last, sum.Planned)
	}
	if _, err := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(11, 0), End: day(12, 0)}}); err == nil {
		t.Error("a range entirely after now minus lag was accepted")
	}
}

func TestBackfillRetriesTransientAndFailsPermanentAtOnce(t *testing.T) {
	flaky := win(seriesA, day(1, 0), day(1, 6))
	r := newRig(t, func(r *rig) {
		r.src.fail = func(w pipeline.Window, n int) error {
			switch {
			case w.Series == seriesB:
				return pipeline.Permanent(errors.New("404 STREAM_TENANT_NOT_FOUND_FOR_NAME"))
			case w == flaky && n < 3:
				return pipeline.Throttle(errors.New("429"), time.Millisecond)
			}
			return nil
		}
	})
	sum, err := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA, seriesB}, Range: pipeline.Range{Start: day(1, 0), End: day(2, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Done != 4 || sum.Failed != 4 || len(sum.Failures) != 4 {
		t.Fatalf("summary %+v: want A's 4 windows done and B's 4 failed", sum)
	}
	if n := r.src.fetchCount(flaky); n != 3 || sum.Stats.Retries != 2 {
		t.Errorf("flaky window fetched %d times with %d retries, want 3 and 2", n, sum.Stats.Retries)
	}
	for i, f := range sum.Failures {
		if f.Window.Series != seriesB || f.Attempts != 1 || !pipeline.IsPermanent(f.Err) {
			t.Errorf("failure %+v", f)
		}
		if i > 0 && f.Window.Start.Before(sum.Failures[i-1].Window.Start) {
			t.Error("failures not in time order")
		}
		if r.store.Covered(seriesB) != nil {
			t.Error("a failed window was recorded")
		}
	}
}

func TestBackfillCoverageReadFailureFailsOnlyThatSeries(t *testing.T) {
	r := newRig(t, nil)
	r.store.CoverageErr = func(s pipeline.Series) error {
		if s == seriesA {
			return errors.New("index unreachable")
		}
		return nil
	}
	sum, _ := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA, seriesB}, Range: pipeline.Range{Start: day(1, 0), End: day(2, 0)}})
	if sum.Done != 4 || sum.Failed != 1 || len(sum.Failures) != 1 || sum.Failures[0].Window.Series != seriesA {
		t.Errorf("summary %+v", sum)
	}
}

func TestBackfillReadErrorLeavesWindowUnrecorded(t *testing.T) {
	bad := win(seriesA, day(1, 6), day(1, 12))
	r := newRig(t, nil)
	good := r.src
	r.e.deps.Source = funcSource(func(ctx context.Context, w pipeline.Window) (io.ReadCloser, error) {
		if w == bad {
			return &errReader{data: []byte(lines(w, 500)), err: errors.New("connection reset")}, nil
		}
		return good.Fetch(ctx, w)
	})
	sum, _ := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(2, 0)}})
	if sum.Done != 3 || sum.Failed != 1 || sum.Failures[0].Window != bad || sum.Failures[0].Attempts != 3 {
		t.Fatalf("summary %+v", sum)
	}
	want := pipeline.Coverage{{Start: day(1, 0), End: day(1, 6)}, {Start: day(1, 12), End: day(2, 0)}}
	if got := r.store.Covered(seriesA); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("coverage %v, want %v", got, want)
	}
}

func TestBackfillDeadLetterFailureLeavesWindowUnrecorded(t *testing.T) {
	r := newRig(t, func(r *rig) {
		r.dl.PutErr = errors.New("disk full")
		r.src.body = func(w pipeline.Window) string {
			if w.Start.Equal(day(1, 0)) {
				return lines(w, 10) + "reject this\n"
			}
			return lines(w, 10)
		}
	})
	sum, _ := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(1, 12)}})
	if sum.Done != 1 || sum.Failed != 1 || r.store.Covered(seriesA).Covers(pipeline.Range{Start: day(1, 0), End: day(1, 6)}) {
		t.Errorf("summary %+v, coverage %v", sum, r.store.Covered(seriesA))
	}
}

func TestBackfillRejectedStillRecorded(t *testing.T) {
	r := newRig(t, func(r *rig) {
		r.src.body = func(w pipeline.Window) string { return lines(w, 10) + "reject " + w.String() + "\n" }
	})
	sum, _ := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(1, 12)}})
	if sum.Done != 2 || sum.Stats.DeadLettered != 2 || len(r.dl.Rejections()) != 2 || r.store.Marks() != 2 {
		t.Errorf("summary %+v, %d dead letters, %d marks", sum, len(r.dl.Rejections()), r.store.Marks())
	}
}

func TestBackfillRunsWindowsConcurrentlyWithinBound(t *testing.T) {
	r := newRig(t, func(r *rig) {
		r.cfg.Concurrency = 3
		r.src.hold = 5 * time.Millisecond
	})
	sum, _ := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA, seriesB}, Range: pipeline.Range{Start: day(1, 0), End: day(4, 0)}})
	if sum.Done != 24 {
		t.Fatalf("summary %+v", sum)
	}
	if m := r.src.maxSeen.Load(); m < 2 || m > 3 {
		t.Errorf("%d windows at once, want 2 to 3", m)
	}
}

func TestBackfillStopsOnCancelAndAbandonsAfterGrace(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := newRig(t, func(r *rig) {
		r.sink.block = true
		r.cfg.ShutdownTimeout = 50 * time.Millisecond
		r.cfg.Concurrency = 2
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	sum, err := r.e.Backfill(ctx, BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(5, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("returned after %v", el)
	}
	if !sum.Stopped || sum.Done != 0 || sum.Canceled != 16 || sum.Failed != 0 || r.store.Marks() != 0 {
		t.Errorf("summary %+v, %d marks", sum, r.store.Marks())
	}
}

func TestBackfillLetsInFlightWindowsFinishWithinGrace(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := newRig(t, func(r *rig) {
		r.sink.delay = 100 * time.Millisecond
		r.cfg.BatchSize = 1000
		r.cfg.Concurrency = 2
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // stop once both windows are writing
		for r.sink.writing.Load() < 2 {
			time.Sleep(time.Millisecond / 2)
		}
		cancel()
	}()
	sum, _ := r.e.Backfill(ctx, BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(5, 0)}})
	if !sum.Stopped || sum.Done != 2 || sum.Canceled != 14 || r.store.Marks() != 2 {
		t.Errorf("summary %+v, %d marks: want the 2 windows in flight done and recorded", sum, r.store.Marks())
	}
}

func TestWindowsImport(t *testing.T) {
	r := newRig(t, nil)
	ws := []pipeline.Window{win(seriesA, day(1, 0), day(1, 1)), {Series: seriesB}}
	sum, err := r.e.Windows(context.Background(), ws, true)
	if err != nil || sum.Done != 2 || sum.Stats.Stored != 240 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	if r.store.Marks() != 1 {
		t.Errorf("%d windows recorded, want only the one with a range", r.store.Marks())
	}
	sum, _ = r.e.Windows(context.Background(), ws[:1], false)
	if sum.Done != 1 || sum.Stats.Duplicates != 120 || r.store.Marks() != 1 {
		t.Errorf("summary %+v: without record nothing more is recorded", sum)
	}
}

func TestProgressReportsWindowsAndEvents(t *testing.T) {
	var mu sync.Mutex
	var last Progress
	calls := 0
	r := newRig(t, nil)
	r.e.deps.Progress = func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.WindowsDone < last.WindowsDone || p.Events < last.Events {
			t.Errorf("progress went back: %+v after %+v", p, last)
		}
		last = p
		calls++
	}
	_, _ = r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(2, 0)}})
	if last.WindowsTotal != 4 || last.WindowsDone != 4 || last.Events != 480 || calls < 4 {
		t.Errorf("last progress %+v after %d calls", last, calls)
	}
}
