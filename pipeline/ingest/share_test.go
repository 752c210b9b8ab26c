package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/pipelinetest"
)

// shareTTL is short so that the tests take seconds; rounds are TTL/3.
const shareTTL = 900 * time.Millisecond

// cutStore is one replica's way to the shared lease store; cut makes
// every call fail as if the cluster were unreachable.
type cutStore struct {
	pipeline.LeaseStore
	cut atomic.Bool
}

var errCut = errors.New("cluster unreachable (test)")

func (c *cutStore) Lease(ctx context.Context, p string) (pipeline.Lease, error) {
	if c.cut.Load() {
		return pipeline.Lease{}, errCut
	}
	return c.LeaseStore.Lease(ctx, p)
}

func (c *cutStore) WriteLease(ctx context.Context, l pipeline.Lease) (pipeline.Lease, error) {
	if c.cut.Load() {
		return pipeline.Lease{}, errCut
	}
	return c.LeaseStore.WriteLease(ctx, l)
}

func (c *cutStore) Members(ctx context.Context) (pipeline.Members, error) {
	if c.cut.Load() {
		return pipeline.Members{}, errCut
	}
	return c.LeaseStore.Members(ctx)
}

func (c *cutStore) WriteMembers(ctx context.Context, m pipeline.Members) (pipeline.Members, error) {
	if c.cut.Load() {
		return pipeline.Members{}, errCut
	}
	return c.LeaseStore.WriteMembers(ctx, m)
}

// leaseEvents records a replica's LeaseObserver calls.
type leaseEvents struct {
	mu        sync.Mutex
	held      int
	alive     int
	takenFrom []string
	takenAt   map[string]time.Time // group -> when last taken
	lost      []string
	lostAt    time.Time
}

func (o *leaseEvents) Leases(held, alive int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.held, o.alive = held, alive
}

func (o *leaseEvents) LeaseTaken(group, from string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.takenAt == nil {
		o.takenAt = map[string]time.Time{}
	}
	o.takenAt[group] = time.Now()
	if from != "" {
		o.takenFrom = append(o.takenFrom, from)
	}
}

func (o *leaseEvents) LeaseLost(group string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lost = append(o.lost, group)
	o.lostAt = time.Now()
}

// fetchLog records which replica fetched which project, and when.
type fetchLog struct {
	mu    sync.Mutex
	by    map[string]map[string]time.Time // project -> replica -> last fetch
	count map[string]int                  // replica -> fetches
}

func (l *fetchLog) add(project, replica string) { l.addAt(project, replica, time.Now()) }

// addAt records that replica did it to project at at.
func (l *fetchLog) addAt(project, replica string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.by == nil {
		l.by, l.count = map[string]map[string]time.Time{}, map[string]int{}
	}
	if l.by[project] == nil {
		l.by[project] = map[string]time.Time{}
	}
	if at.After(l.by[project][replica]) {
		l.by[project][replica] = at
	}
	l.count[replica]++
}

// since returns, per project, the replicas that fetched it after t.
func (l *fetchLog) since(t time.Time) map[string][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string][]string{}
	for p, rs := range l.by {
		for r, at := range rs {
			if at.After(t) {
				out[p] = append(out[p], r)
			}
		}
	}
	return out
}

// markRecorder records in log the checkpoints replica id recorded.
type markRecorder struct {
	pipeline.CheckpointStore
	id  string
	log *fetchLog
}

// A mark counts from when it got past the lease gate, which is in front
// of the recorder: on a loaded machine the store's answer may come later.
func (m markRecorder) MarkStored(ctx context.Context, s pipeline.Series, r pipeline.Range) error {
	at := time.Now()
	err := m.CheckpointStore.MarkStored(ctx, s, r)
	if err == nil {
		m.log.addAt(s.ProjectID, m.id, at)
	}
	return err
}

// replica is one in-process `run` replica sharing projects.
type replica struct {
	id     string
	store  *cutStore
	events *leaseEvents
	cancel context.CancelFunc
	done   chan Summary
}

// shareRig is several replicas over one lease store, one checkpoint store
// and one sink, as replicas on one cluster are.
type shareRig struct {
	t      *testing.T
	leases *pipelinetest.Leases
	marks  *pipelinetest.Checkpoints
	sink   *recSink
	fetch  fetchLog
	marked fetchLog // checkpoints recorded, by project and replica
	groups FixedGroups
}

func newShareRig(t *testing.T, projects int) *shareRig {
	s := &shareRig{t: t, leases: &pipelinetest.Leases{}, marks: &pipelinetest.Checkpoints{}, sink: &recSink{}}
	for i := range projects {
		id := fmt.Sprintf("p%02d", i)
		series := pipeline.Series{ProjectID: id, Workspace: "ws"}
		s.groups = append(s.groups, Group{ID: id, Fixed: true,
			Lister: ListerFunc(func(context.Context) ([]pipeline.Series, error) { return []pipeline.Series{series}, nil })})
	}
	return s
}

// start starts a replica named id over s.groups.
func (s *shareRig) start(id string) *replica { return s.startListing(id, s.groups, 0) }

// startListing starts a replica named id listing groups every every.
func (s *shareRig) startListing(id string, groups GroupLister, every time.Duration) *replica {
	s.t.Helper()
	return s.startSkewed(id, groups, every, 0)
}

// startSkewed is startListing for a replica whose wall clock is skew
// ahead of the others' (behind when negative).
func (s *shareRig) startSkewed(id string, groups GroupLister, every, skew time.Duration) *replica {
	s.t.Helper()
	cfg := testConfig()
	cfg.PollInterval = 20 * time.Millisecond
	src := funcSource(func(ctx context.Context, w pipeline.Window) (io.ReadCloser, error) {
		s.fetch.add(w.ProjectID, id)
		return io.NopCloser(strings.NewReader(lines(w, 3))), nil
	})
	now := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	e, err := New(cfg, Deps{Source: src, Parser: lineParser{}, Sink: s.sink, DeadLetter: &pipelinetest.DeadLetters{},
		Checkpoints: markRecorder{CheckpointStore: s.marks, id: id, log: &s.marked}, Now: func() time.Time { return now }})
	if err != nil {
		s.t.Fatal(err)
	}
	rp := &replica{id: id, store: &cutStore{LeaseStore: s.leases}, events: &leaseEvents{}, done: make(chan Summary, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	rp.cancel = cancel
	go func() {
		sum, _ := e.FollowShared(ctx, groups, Discovery{Noun: "project", Every: every},
			Sharing{Store: rp.store, Replica: id, TTL: shareTTL, Observer: rp.events, Now: func() time.Time { return time.Now().Add(skew) }})
		rp.done <- sum
	}()
	s.t.Cleanup(func() { cancel(); <-rp.done })
	return rp
}

// held counts the leases each replica holds in the store (unexpired or
// not: the holders as written).
func (s *shareRig) held() map[string]int {
	out := map[string]int{}
	for _, h := range s.leases.Holders() {
		if h != "" {
			out[h]++
		}
	}
	return out
}

func waitUntil(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSharedReplicasBalance: three replicas over 50 projects hold 17, 17
// and 16 leases, and each project is fetched by its holder alone.
func TestSharedReplicasBalance(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the replicas stopped
	s := newShareRig(t, 50)
	for _, id := range []string{"r1", "r2", "r3"} {
		s.start(id)
	}
	waitUntil(t, "17/17/16", 20*time.Second, func() bool {
		h := s.held()
		counts := []int{h["r1"], h["r2"], h["r3"]}
		slices.Sort(counts)
		return slices.Equal(counts, []int{16, 17, 17})
	})
	// Let the groups given back finish, then look at who fetches what.
	time.Sleep(shareTTL)
	from := time.Now()
	reads, writes := s.leases.Reads.Load(), s.leases.Writes.Load()
	time.Sleep(shareTTL)
	rounds := 3.0 * 3 // three replicas, a round every TTL/3
	t.Logf("steady state: %.1f reads and %.1f writes per replica per round (50 projects, 3 replicas)",
		float64(s.leases.Reads.Load()-reads)/rounds, float64(s.leases.Writes.Load()-writes)/rounds)
	holders := s.leases.Holders()
	fetched := s.fetch.since(from)
	if len(fetched) != 50 {
		t.Errorf("%d projects fetched, want all 50", len(fetched))
	}
	for p, rs := range fetched {
		if len(rs) != 1 || rs[0] != holders[p] {
			t.Errorf("project %s fetched by %v, want its holder %s alone", p, rs, holders[p])
		}
	}
}

// TestSharedReplicaCutOffIsTakenOver: a replica that cannot reach the
// store stops fetching its projects and recording them before its leases
// expire; the other takes them over, naming it.
func TestSharedReplicaCutOffIsTakenOver(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the replicas stopped
	s := newShareRig(t, 6)
	a, b := s.start("a"), s.start("b")
	waitUntil(t, "3/3", 10*time.Second, func() bool { h := s.held(); return h["a"] == 3 && h["b"] == 3 })
	// What b holds and has lost and a has taken when b is cut off: on a
	// loaded machine a round can come late and a lease change hands
	// before the cut.
	var ofB []string
	for p, h := range s.leases.Holders() {
		if h == "b" {
			ofB = append(ofB, p)
		}
	}
	b.events.mu.Lock()
	lostBefore := len(b.events.lost)
	b.events.mu.Unlock()
	a.events.mu.Lock()
	takenBefore := len(a.events.takenFrom)
	a.events.mu.Unlock()
	cutAt := time.Now()
	b.store.cut.Store(true)
	waitUntil(t, "b to lose its leases", 5*shareTTL, func() bool {
		b.events.mu.Lock()
		defer b.events.mu.Unlock()
		return !slices.ContainsFunc(ofB, func(p string) bool { return !slices.Contains(b.events.lost[lostBefore:], p) })
	})
	b.events.mu.Lock()
	lostAt := b.events.lostAt
	lostAfter := lostAt.Sub(cutAt)
	b.events.mu.Unlock()
	if lostAfter >= shareTTL {
		t.Errorf("b lost its leases %s after the cut, not before the TTL %s", lostAfter, shareTTL)
	}
	stoppedAt := time.Now()
	waitUntil(t, "a to take all 6", 5*shareTTL, func() bool { return s.held()["a"] == 6 })
	t.Logf("taken over %s after the cut (TTL %s)", time.Since(cutAt).Round(time.Millisecond), shareTTL)
	time.Sleep(shareTTL / 3)
	for p, rs := range s.fetch.since(stoppedAt.Add(50 * time.Millisecond)) {
		if slices.Contains(rs, "b") {
			t.Errorf("b still fetched %s after losing its lease", p)
		}
	}
	for p, rs := range s.marked.since(lostAt) {
		if slices.Contains(rs, "b") {
			t.Errorf("b recorded a checkpoint of %s after losing its lease", p)
		}
	}
	a.events.mu.Lock()
	from := slices.Clone(a.events.takenFrom[takenBefore:])
	a.events.mu.Unlock()
	if len(from) != len(ofB) || slices.ContainsFunc(from, func(r string) bool { return r != "b" }) {
		t.Errorf("a took over from %v, want b %d times", from, len(ofB))
	}
}

// TestSharedReleaseOnStop: a replica that stops releases its leases, and
// the other takes them at once rather than after the TTL.
func TestSharedReleaseOnStop(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the replicas stopped
	s := newShareRig(t, 4)
	a := s.start("a")
	waitUntil(t, "a to hold all", 10*time.Second, func() bool { return s.held()["a"] == 4 })
	b := s.start("b")
	waitUntil(t, "2/2", 10*time.Second, func() bool { h := s.held(); return h["a"] == 2 && h["b"] == 2 })
	a.cancel()
	<-a.done
	a.done <- Summary{} // for the cleanup
	if h := s.held(); h["a"] != 0 {
		t.Errorf("a still holds %d leases after it stopped", h["a"])
	}
	stopped := time.Now()
	waitUntil(t, "b to hold all", 10*time.Second, func() bool { return s.held()["b"] == 4 })
	if d := time.Since(stopped); d >= shareTTL {
		t.Errorf("b took a's projects %s after a stopped; released leases are free at once", d)
	}
	b.events.mu.Lock()
	defer b.events.mu.Unlock()
	if len(b.events.takenFrom) != 0 {
		t.Errorf("b counted takeovers from %v: released leases are not taken over", b.events.takenFrom)
	}
}

// TestLeaseGateRefusesAfterDeadline: a checkpoint of a project whose lease
// is not held, or past its deadline, is refused and not written.
func TestLeaseGateRefusesAfterDeadline(t *testing.T) {
	marks := &pipelinetest.Checkpoints{}
	s := &sharer{sh: Sharing{Replica: "r1"}, held: map[string]*heldLease{
		"p1": {until: time.Now().Add(time.Hour)},
		"p2": {until: time.Now().Add(-time.Millisecond)},
	}}
	g := leaseGate{CheckpointStore: marks, s: s}
	rg := pipeline.Range{Start: day(1, 0), End: day(1, 6)}
	if err := g.MarkStored(t.Context(), pipeline.Series{ProjectID: "p1", Workspace: "ws"}, rg); err != nil {
		t.Fatalf("held lease: %v", err)
	}
	for _, p := range []string{"p2", "p3"} {
		err := g.MarkStored(t.Context(), pipeline.Series{ProjectID: p, Workspace: "ws"}, rg)
		var lost *LeaseLostError
		if !errors.As(err, &lost) || lost.Project != p || lost.Replica != "r1" {
			t.Errorf("%s: err = %v, want a LeaseLostError naming it", p, err)
		}
		if marks.Covered(pipeline.Series{ProjectID: p, Workspace: "ws"}) != nil {
			t.Errorf("%s recorded without its lease", p)
		}
	}
}

// shrinkingGroups lists groups[:n].
type shrinkingGroups struct {
	groups FixedGroups
	n      atomic.Int32
}

func (g *shrinkingGroups) ListGroups(context.Context) ([]Group, []error) {
	return g.groups[:g.n.Load()], nil
}

// TestSharedProjectNoLongerListed: a project that leaves the listing is
// let go and its lease released; the others stay held.
func TestSharedProjectNoLongerListed(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the replica stopped
	s := newShareRig(t, 3)
	g := &shrinkingGroups{groups: s.groups}
	g.n.Store(3)
	s.startListing("a", g, 20*time.Millisecond)
	waitUntil(t, "a to hold all 3", 10*time.Second, func() bool { return s.held()["a"] == 3 })
	g.n.Store(2)
	waitUntil(t, "p02's lease to be released", 10*time.Second, func() bool { return s.leases.Holders()["p02"] == "" })
	if h := s.held(); h["a"] != 2 {
		t.Errorf("a holds %d leases, want the 2 still listed", h["a"])
	}
	time.Sleep(shareTTL / 3)
	from := time.Now()
	time.Sleep(shareTTL / 2)
	if rs := s.fetch.since(from)["p02"]; len(rs) != 0 {
		t.Errorf("p02 still fetched by %v after it left the listing", rs)
	}
}

// TestSharedClockSkewWithinMargin: b's wall clock runs ahead of a's by
// less than TTL/6, so b sees a's leases expire early. a is cut off from
// the store: b takes its projects over, and a recorded every checkpoint
// of them before b took each (a gives a lease up TTL/6 before it expires,
// on its own monotonic clock, which covers the skew).
func TestSharedClockSkewWithinMargin(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) }) // after the replicas stopped
	const skew = shareTTL / 15                 // 60 ms of the 150 ms margin
	s := newShareRig(t, 6)
	a := s.start("a")
	b := s.startSkewed("b", s.groups, 0, skew)
	waitUntil(t, "3/3", 10*time.Second, func() bool { h := s.held(); return h["a"] == 3 && h["b"] == 3 })
	var ofA []string
	for _, g := range s.groups {
		if s.leases.Holders()[g.ID] == "a" {
			ofA = append(ofA, g.ID)
		}
	}
	a.store.cut.Store(true)
	waitUntil(t, "b to take all 6", 5*shareTTL, func() bool { return s.held()["b"] == 6 })
	b.events.mu.Lock()
	takenAt := maps.Clone(b.events.takenAt)
	b.events.mu.Unlock()
	s.marked.mu.Lock()
	defer s.marked.mu.Unlock()
	for _, p := range ofA {
		last, took := s.marked.by[p]["a"], takenAt[p]
		if last.IsZero() || took.IsZero() {
			t.Fatalf("project %s: a's last checkpoint %v, b took it at %v", p, last, took)
		}
		if !last.Before(took) {
			t.Errorf("project %s: a recorded a checkpoint %s after b, %s ahead, took the lease", p, last.Sub(took), skew)
		} else {
			t.Logf("project %s: a's last checkpoint %s before b took the lease", p, took.Sub(last).Round(time.Millisecond))
		}
	}
}
