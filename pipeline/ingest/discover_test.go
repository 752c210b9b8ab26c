package ingest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aspaudit/aspaudit/pipeline"
)

// listing is a SeriesLister whose answer the test changes.
type listing struct {
	mu     sync.Mutex
	series []pipeline.Series
	err    error
	calls  atomic.Int32
}

func (l *listing) set(err error, series ...pipeline.Series) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.series, l.err = series, err
}

func (l *listing) ListSeries(context.Context) ([]pipeline.Series, error) {
	l.calls.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.series), l.err
}

func TestDiscoverEachGroupOnItsOwn(t *testing.T) {
	r := newRig(t, nil)
	none := pipeline.Permanent(errors.New("project has no stream processing workspace"))
	ok := &listing{}
	ok.set(nil, seriesA)
	empty := &listing{}
	empty.set(NoSeries(none))
	groups := []Group{
		{ID: "p1", Lister: ok},
		{ID: "p2", Lister: empty, MayBeEmpty: true}, // found by listing: no workspace yet
		{ID: "p3", Lister: empty},                   // configured: a mistake to report
		{ID: "p4", Lister: ListerFunc(func(context.Context) ([]pipeline.Series, error) {
			return nil, pipeline.Permanent(errors.New("403 forbidden"))
		})},
	}
	series, errs := r.e.Discover(context.Background(), groups, Discovery{Noun: "project", Retry: r.cfg.Retry})
	if len(series) != 1 || series[0] != seriesA {
		t.Errorf("series = %v, want p1's", series)
	}
	if len(errs) != 2 || errs[0].Error() != "project p3: "+none.Error() || !strings.HasPrefix(errs[1].Error(), "project p4: ") {
		t.Fatalf("errors = %v, want p3's and p4's, each naming its project", errs)
	}
	if !errors.Is(errs[0], ErrNoSeries) || !errors.Is(errs[0], none) {
		t.Errorf("p3's error %v is neither ErrNoSeries nor the lister's", errs[0])
	}
}

// TestFollowGroupsAsSeriesComeAndGo: a group's series listed again are
// followed when new and let go when gone; a group listed once (Fixed) is
// not listed again; a group that cannot be listed is reported without
// holding the others; the summary merges every group's.
func TestFollowGroupsAsSeriesComeAndGo(t *testing.T) {
	defer goleak.VerifyNone(t)
	var ticks atomic.Int32
	r := newRig(t, func(r *rig) { r.cfg.PollInterval = time.Millisecond })
	base := r.now
	r.e.now = func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Minute) }
	seriesC := pipeline.Series{ProjectID: "42b6e34b3d91647abb20e7b8", Workspace: "ws-c"}
	moving, fixed := &listing{}, &listing{}
	moving.set(nil, seriesA)
	fixed.set(nil, seriesC)
	groups := FixedGroups{
		{ID: "p1", Lister: moving},
		{ID: "p2", Lister: fixed, Fixed: true},
		{ID: "p3", Lister: ListerFunc(func(context.Context) ([]pipeline.Series, error) {
			return nil, pipeline.Permanent(errors.New("404 GROUP_NOT_FOUND"))
		})},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		sum  Summary
		errs []error
	}
	done := make(chan result, 1)
	go func() {
		sum, errs := r.e.FollowGroups(ctx, groups, Discovery{Noun: "project", Retry: r.cfg.Retry, Every: 5 * time.Millisecond}, false)
		done <- result{sum, errs}
	}()
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
	stored := func(s pipeline.Series) func() bool { return func() bool { return r.store.Covered(s) != nil } }
	waitFor("A and C to be stored", func() bool { return stored(seriesA)() && stored(seriesC)() })
	moving.set(nil, seriesB) // ws-a deleted, ws-b created
	waitFor("B to be stored", stored(seriesB))
	// A, once a pass in flight is over, is not fetched any more.
	progress := func() {
		target := r.store.Covered(seriesB).Last().Add(10 * time.Minute)
		waitFor("B to go on", func() bool { return !r.store.Covered(seriesB).Last().Before(target) })
	}
	progress()
	before := r.src.seriesFetches(seriesA)
	progress()
	progress()
	if after := r.src.seriesFetches(seriesA); after != before {
		t.Errorf("A fetched %d more times after it was no longer listed", after-before)
	}
	if n := fixed.calls.Load(); n != 1 {
		t.Errorf("the fixed group was listed %d times, want once", n)
	}
	cancel()
	res := <-done
	if len(res.errs) != 1 || !strings.Contains(res.errs[0].Error(), "project p3: 404 GROUP_NOT_FOUND") {
		t.Errorf("errors = %v, want p3's listing only", res.errs)
	}
	if res.sum.Done == 0 || res.sum.Stats.Stored == 0 || !res.sum.Stopped {
		t.Errorf("summary = %+v, want the groups' windows and events, stopped", res.sum)
	}
}

func TestSummaryMerge(t *testing.T) {
	a := Summary{Planned: 2, Done: 1, Failed: 1, Elapsed: time.Second, Stats: Stats{Stored: 5}}
	a.Merge(Summary{Planned: 3, Done: 3, Canceled: 1, Elapsed: 3 * time.Second, Stats: Stats{Stored: 7}, Stopped: true,
		Failures: []WindowFailure{{Err: errors.New("x")}}})
	if a.Planned != 5 || a.Done != 4 || a.Failed != 1 || a.Canceled != 1 || a.Elapsed != 3*time.Second ||
		a.Stats.Stored != 12 || !a.Stopped || len(a.Failures) != 1 {
		t.Errorf("merged = %+v", a)
	}
}
