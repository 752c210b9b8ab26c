package sinktest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// LeaseOptions tells RunLeaseSuite how to reach a store's leases from
// other stores.
type LeaseOptions struct {
	// Reopen returns another store over the same leases as s (another
	// client, as another replica would have). Optional: without it the
	// races run through s alone.
	Reopen func(t *testing.T, s pipeline.LeaseStore) pipeline.LeaseStore
	// Timeout bounds each test; 0 means 1 minute.
	Timeout time.Duration
}

// RunLeaseSuite checks that the stores newStore returns honour the
// LeaseStore contract of package pipeline: a lease never written has no
// version; a write names the version it read and fails with
// pipeline.ErrLeaseConflict once another write came in between; of
// replicas racing for one lease from the same read exactly one wins; the
// members' record works the same way. newStore must return a store over
// fresh, empty state on every call.
func RunLeaseSuite(t *testing.T, newStore func(t *testing.T) pipeline.LeaseStore, opts LeaseOptions) {
	t.Helper()
	if opts.Timeout <= 0 {
		opts.Timeout = time.Minute
	}
	if opts.Reopen == nil {
		opts.Reopen = func(_ *testing.T, s pipeline.LeaseStore) pipeline.LeaseStore { return s }
	}
	h := &leaseHarness{newStore: newStore, opts: opts}
	t.Run("RoundTrip", h.testRoundTrip)
	t.Run("Conflict", h.testConflict)
	t.Run("RaceToCreate", func(t *testing.T) { h.testRace(t, false) })
	t.Run("RaceToTakeOver", func(t *testing.T) { h.testRace(t, true) })
	t.Run("Members", h.testMembers)
}

type leaseHarness struct {
	newStore func(t *testing.T) pipeline.LeaseStore
	opts     LeaseOptions
}

var leaseBase = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func (h *leaseHarness) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), h.opts.Timeout)
	t.Cleanup(cancel)
	return ctx
}

func (h *leaseHarness) testRoundTrip(t *testing.T) {
	ctx, st := h.ctx(t), h.newStore(t)
	l, err := st.Lease(ctx, "p1")
	if err != nil || l.Version != "" || l.Holder != "" {
		t.Fatalf("Lease of a project never leased = %+v, %v; want no version", l, err)
	}
	want := pipeline.Lease{Project: "p1", Holder: "r1", Expires: leaseBase.Add(30 * time.Second), Renewed: leaseBase}
	got, err := st.WriteLease(ctx, want)
	if err != nil || got.Version == "" {
		t.Fatalf("creating the lease: %+v, %v", got, err)
	}
	read, err := st.Lease(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if read.Project != "p1" || read.Holder != "r1" || !read.Expires.Equal(want.Expires) || !read.Renewed.Equal(want.Renewed) || read.Version != got.Version {
		t.Errorf("read back %+v, want %+v with version %s", read, want, got.Version)
	}
	if other, err := st.Lease(ctx, "p2"); err != nil || other.Version != "" {
		t.Errorf("another project's lease = %+v, %v; want none", other, err)
	}
}

func (h *leaseHarness) testConflict(t *testing.T) {
	ctx, st := h.ctx(t), h.newStore(t)
	first, err := st.WriteLease(ctx, pipeline.Lease{Project: "p1", Holder: "r1", Expires: leaseBase})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.WriteLease(ctx, pipeline.Lease{Project: "p1", Holder: "r2", Expires: leaseBase}); !errors.Is(err, pipeline.ErrLeaseConflict) {
		t.Errorf("creating an existing lease: %v, want ErrLeaseConflict", err)
	}
	second, err := st.WriteLease(ctx, pipeline.Lease{Project: "p1", Holder: "r1", Expires: leaseBase.Add(time.Minute), Version: first.Version})
	if err != nil || second.Version == first.Version {
		t.Fatalf("renewing with the version read: %+v, %v", second, err)
	}
	if _, err := st.WriteLease(ctx, pipeline.Lease{Project: "p1", Holder: "r2", Version: first.Version}); !errors.Is(err, pipeline.ErrLeaseConflict) {
		t.Errorf("writing against a stale version: %v, want ErrLeaseConflict", err)
	}
	if l, err := st.Lease(ctx, "p1"); err != nil || l.Holder != "r1" || l.Version != second.Version {
		t.Errorf("after the lost writes: %+v, %v; want r1's renewal", l, err)
	}
}

// testRace has replicas, each with its own store, race for one lease from
// the same read: a never-written one (create), or an existing one (take
// over); exactly one wins and the lease names it.
func (h *leaseHarness) testRace(t *testing.T, existing bool) {
	ctx, st := h.ctx(t), h.newStore(t)
	const replicas = 8
	read := pipeline.Lease{Project: "p1"}
	if existing {
		var err error
		if read, err = st.WriteLease(ctx, pipeline.Lease{Project: "p1", Holder: "dead", Expires: leaseBase}); err != nil {
			t.Fatal(err)
		}
	}
	stores := make([]pipeline.LeaseStore, replicas)
	for i := range stores {
		stores[i] = h.opts.Reopen(t, st)
	}
	var mu sync.Mutex
	var winners []string
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range stores {
		id := fmt.Sprintf("r%d", i)
		wg.Go(func() {
			<-start
			l := read
			l.Holder, l.Expires = id, leaseBase.Add(time.Minute)
			_, err := s.WriteLease(ctx, l)
			switch {
			case err == nil:
				mu.Lock()
				winners = append(winners, id)
				mu.Unlock()
			case !errors.Is(err, pipeline.ErrLeaseConflict):
				t.Errorf("%s: %v, want nil or ErrLeaseConflict", id, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("winners %v, want exactly one", winners)
	}
	if l, err := st.Lease(ctx, "p1"); err != nil || l.Holder != winners[0] {
		t.Errorf("the lease names %q (%v), want the winner %s", l.Holder, err, winners[0])
	}
}

func (h *leaseHarness) testMembers(t *testing.T) {
	ctx, st := h.ctx(t), h.newStore(t)
	m, err := st.Members(ctx)
	if err != nil || m.Version != "" || len(m.Expires) != 0 {
		t.Fatalf("Members of a fresh store = %+v, %v; want none", m, err)
	}
	m.Expires = map[string]time.Time{"r1": leaseBase}
	first, err := st.WriteMembers(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.WriteMembers(ctx, pipeline.Members{Expires: map[string]time.Time{"r2": leaseBase}}); !errors.Is(err, pipeline.ErrLeaseConflict) {
		t.Errorf("creating the record twice: %v, want ErrLeaseConflict", err)
	}
	other := h.opts.Reopen(t, st)
	next := pipeline.Members{Expires: map[string]time.Time{"r1": leaseBase, "r2": leaseBase.Add(time.Second)}, Version: first.Version}
	if _, err := other.WriteMembers(ctx, next); err != nil {
		t.Fatal(err)
	}
	if _, err := st.WriteMembers(ctx, first); !errors.Is(err, pipeline.ErrLeaseConflict) {
		t.Errorf("writing against a stale version: %v, want ErrLeaseConflict", err)
	}
	got, err := st.Members(ctx)
	if err != nil || len(got.Expires) != 2 || !got.Expires["r2"].Equal(leaseBase.Add(time.Second)) {
		t.Errorf("read back %+v, %v; want r1 and r2", got, err)
	}
}
