package sinktest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// CheckpointOptions tells RunCheckpointSuite how to reach a store's state
// from a second store.
type CheckpointOptions struct {
	// Reopen returns another store over the same state as s (the same file,
	// the same index). s stays in use: the suite writes through both at
	// once, as two processes would. Optional: without it the persistence
	// and two-store tests are skipped.
	Reopen func(t *testing.T, s pipeline.CheckpointStore) pipeline.CheckpointStore
	// Timeout bounds each call; 0 means 1 minute.
	Timeout time.Duration
}

// RunCheckpointSuite checks that the stores newStore returns honour the
// CheckpointStore contract of package pipeline: empty coverage, merging of
// disjoint, touching and overlapping ranges, isolation of series,
// persistence, and concurrent MarkStored calls, within one store and
// across two stores over the same state, losing nothing. newStore must
// return a store over fresh, empty state on every call.
func RunCheckpointSuite(t *testing.T, newStore func(t *testing.T) pipeline.CheckpointStore, opts CheckpointOptions) {
	t.Helper()
	if opts.Timeout <= 0 {
		opts.Timeout = time.Minute
	}
	h := &checkpointHarness{newStore: newStore, opts: opts}
	t.Run("Empty", h.testEmpty)
	t.Run("Merge", h.testMerge)
	t.Run("EmptyRange", h.testEmptyRange)
	t.Run("SeriesIsolation", h.testIsolation)
	t.Run("Persistence", h.testPersistence)
	t.Run("ConcurrentMarkStored", h.testConcurrent)
	t.Run("TwoStores", h.testTwoStores)
}

type checkpointHarness struct {
	newStore func(t *testing.T) pipeline.CheckpointStore
	opts     CheckpointOptions
}

var (
	cpSeries = pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-a"}
	cpBase   = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

// hours returns the range [base+a h, base+b h).
func hours(a, b int) pipeline.Range {
	return pipeline.Range{Start: cpBase.Add(time.Duration(a) * time.Hour), End: cpBase.Add(time.Duration(b) * time.Hour)}
}

func (h *checkpointHarness) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), h.opts.Timeout)
	t.Cleanup(cancel)
	return ctx
}

func (h *checkpointHarness) mark(t *testing.T, st pipeline.CheckpointStore, s pipeline.Series, r pipeline.Range) {
	t.Helper()
	if err := st.MarkStored(h.ctx(t), s, r); err != nil {
		t.Fatalf("MarkStored(%s, %v): %v", s, r, err)
	}
}

// expectCoverage checks the coverage of s, comparing instants (not
// locations).
func (h *checkpointHarness) expectCoverage(t *testing.T, st pipeline.CheckpointStore, s pipeline.Series, want ...pipeline.Range) {
	t.Helper()
	got, err := st.Coverage(h.ctx(t), s)
	if err != nil {
		t.Fatalf("Coverage(%s): %v", s, err)
	}
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Start.Equal(want[i].Start) && got[i].End.Equal(want[i].End)
	}
	if !ok {
		t.Errorf("Coverage(%s) = %v; want %v", s, got, want)
	}
}

func (h *checkpointHarness) testEmpty(t *testing.T) {
	st := h.newStore(t)
	h.expectCoverage(t, st, cpSeries)
}

func (h *checkpointHarness) testMerge(t *testing.T) {
	st := h.newStore(t)
	h.mark(t, st, cpSeries, hours(10, 12))
	h.mark(t, st, cpSeries, hours(0, 2))
	h.expectCoverage(t, st, cpSeries, hours(0, 2), hours(10, 12))
	h.mark(t, st, cpSeries, hours(2, 4)) // touching
	h.expectCoverage(t, st, cpSeries, hours(0, 4), hours(10, 12))
	h.mark(t, st, cpSeries, hours(3, 11)) // overlapping both
	h.expectCoverage(t, st, cpSeries, hours(0, 12))
	h.mark(t, st, cpSeries, hours(5, 6)) // inside
	h.expectCoverage(t, st, cpSeries, hours(0, 12))
	// Times in another location are the same instants.
	est := time.FixedZone("EST", -5*3600)
	r := hours(20, 22)
	h.mark(t, st, cpSeries, pipeline.Range{Start: r.Start.In(est), End: r.End.In(est)})
	h.expectCoverage(t, st, cpSeries, hours(0, 12), r)
}

func (h *checkpointHarness) testEmptyRange(t *testing.T) {
	st := h.newStore(t)
	h.mark(t, st, cpSeries, hours(0, 1))
	h.mark(t, st, cpSeries, hours(5, 5))
	h.mark(t, st, cpSeries, hours(7, 6))
	h.expectCoverage(t, st, cpSeries, hours(0, 1))
}

// testIsolation checks that series differing in any part, including
// whether a processor is named and the log type, have coverage of their own, even when a
// naive "project/workspace" key would collide.
func (h *checkpointHarness) testIsolation(t *testing.T) {
	st := h.newStore(t)
	series := []pipeline.Series{
		cpSeries,
		{ProjectID: cpSeries.ProjectID, Workspace: cpSeries.Workspace, Processor: "proc-1"},
		{ProjectID: cpSeries.ProjectID, Workspace: cpSeries.Workspace, Processor: "proc-2"},
		{ProjectID: cpSeries.ProjectID, Workspace: "ws-b"},
		{ProjectID: "5f0000000000000000000001", Workspace: cpSeries.Workspace},
		{ProjectID: "p", Workspace: "w/x"},
		{ProjectID: "p/w", Workspace: "x"},
		{ProjectID: cpSeries.ProjectID, Workspace: cpSeries.Workspace, LogType: pipeline.OperationalLog},
		{ProjectID: cpSeries.ProjectID, Workspace: cpSeries.Workspace, Processor: "proc-1", LogType: pipeline.OperationalLog},
	}
	for i, s := range series {
		h.mark(t, st, s, hours(i*10, i*10+1))
	}
	for i, s := range series {
		h.expectCoverage(t, st, s, hours(i*10, i*10+1))
	}
}

func (h *checkpointHarness) testPersistence(t *testing.T) {
	if h.opts.Reopen == nil {
		t.Skip("CheckpointOptions.Reopen not given")
	}
	st := h.newStore(t)
	proc := pipeline.Series{ProjectID: cpSeries.ProjectID, Workspace: cpSeries.Workspace, Processor: "proc-1"}
	h.mark(t, st, cpSeries, hours(0, 6))
	h.mark(t, st, proc, hours(6, 12))
	st2 := h.opts.Reopen(t, st)
	h.expectCoverage(t, st2, cpSeries, hours(0, 6))
	h.expectCoverage(t, st2, proc, hours(6, 12))
	h.mark(t, st2, cpSeries, hours(6, 8))
	h.expectCoverage(t, st, cpSeries, hours(0, 8))
}

// testConcurrent marks disjoint ranges from many goroutines of one store.
func (h *checkpointHarness) testConcurrent(t *testing.T) {
	st := h.newStore(t)
	h.markMany(t, []pipeline.CheckpointStore{st}, 8, 6)
}

// testTwoStores marks disjoint ranges through two stores over the same
// state at once: neither loses the other's ranges.
func (h *checkpointHarness) testTwoStores(t *testing.T) {
	if h.opts.Reopen == nil {
		t.Skip("CheckpointOptions.Reopen not given")
	}
	st := h.newStore(t)
	h.markMany(t, []pipeline.CheckpointStore{st, h.opts.Reopen(t, st)}, 4, 8)
	if !t.Failed() {
		h.expectDisjoint(t, h.opts.Reopen(t, st), 2*4*8)
	}
}

// markMany has writers goroutines per store mark each marks ranges, all
// disjoint and not touching, and checks that every one is recorded.
func (h *checkpointHarness) markMany(t *testing.T, stores []pipeline.CheckpointStore, writers, marks int) {
	var wg sync.WaitGroup
	n := 0
	for _, st := range stores {
		for range writers {
			first := n
			n += marks
			wg.Go(func() {
				for i := first; i < first+marks; i++ {
					if err := st.MarkStored(h.ctx(t), cpSeries, hours(2*i, 2*i+1)); err != nil {
						t.Errorf("MarkStored: %v", err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	for _, st := range stores {
		h.expectDisjoint(t, st, n)
	}
}

func (h *checkpointHarness) expectDisjoint(t *testing.T, st pipeline.CheckpointStore, n int) {
	t.Helper()
	want := make([]pipeline.Range, n)
	for i := range want {
		want[i] = hours(2*i, 2*i+1)
	}
	h.expectCoverage(t, st, cpSeries, want...)
}
