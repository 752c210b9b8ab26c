package ingest

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Sharing is how several `run` replicas share the groups (projects) they
// could follow: each group is followed by the one replica holding its
// lease in Store (see FollowShared).
type Sharing struct {
	Store pipeline.LeaseStore
	// Replica names this replica in the leases; unique per replica.
	Replica string
	// TTL is how long a lease lasts unless renewed; it is renewed every
	// TTL/3, and given up by its holder TTL/6 before it expires.
	TTL time.Duration
	// Observer is told about leases, for metrics; nil means none.
	Observer LeaseObserver
	// Now is the wall clock written in the leases; nil means time.Now.
	// Deadlines of this replica's own leases are measured on the
	// monotonic clock.
	Now func() time.Time
}

// LeaseObserver receives the lease events of FollowShared. Its methods are
// called from one goroutine and must return quickly.
type LeaseObserver interface {
	// Leases is called after every round: the groups followed under a
	// lease, and the replicas seen alive (this one included).
	Leases(held, alive int)
	// LeaseTaken is called when this replica takes a group's lease; from
	// is the replica whose lease had expired, or "" when it was free.
	LeaseTaken(group, from string)
	// LeaseLost is called when a lease could not be renewed in time (or
	// another replica holds it now): the group is no longer followed.
	LeaseLost(group string)
}

func (sh Sharing) validate() error {
	var errs []error
	if sh.Store == nil {
		errs = append(errs, errors.New("sharing: no lease store given"))
	}
	if sh.Replica == "" {
		errs = append(errs, errors.New("sharing: no replica id given"))
	}
	if sh.TTL <= 0 {
		errs = append(errs, errors.New("sharing: the lease TTL must be greater than 0"))
	}
	return errors.Join(errs...)
}

// FollowShared is FollowGroups without once, for one of several replicas:
// the listed groups are candidates, and this replica follows those whose
// lease it holds. Every TTL/3 it renews its leases (compare and swap on
// the version it wrote), records itself as alive, and takes free or
// expired leases up to its fair share, ceil(groups / replicas alive); it
// gives back (after their windows in flight end) those above it. A lease
// it could not renew is lost TTL/6 before it expires for the others: the
// group's windows are canceled at once and its checkpoints refused from
// that moment (see LeaseLostError). When ctx ends, windows in flight get
// the shutdown grace period, leases are still renewed meanwhile, then
// they are released so that other replicas take them over at once.
func (e *Engine) FollowShared(ctx context.Context, groups GroupLister, d Discovery, sh Sharing) (Summary, []error) {
	if err := sh.validate(); err != nil {
		return Summary{}, []error{err}
	}
	if sh.Now == nil {
		sh.Now = time.Now
	}
	s := &sharer{sh: sh, log: e.log, noun: d.noun(), wake: make(chan struct{}, 1),
		candidates: map[string]Group{}, held: map[string]*heldLease{}}
	return e.followGroups(ctx, groups, d, false, s)
}

// sharer decides which candidate groups this replica follows. Its round
// runs in one goroutine; mu guards what the checkpoint gate and the
// listing read.
type sharer struct {
	sh   Sharing
	f    *groupFollower
	log  *slog.Logger
	noun string
	// started: rounds have begun (offer logs new groups from then on).
	started bool
	// wake cuts the wait between rounds short when a group given back
	// has ended, so its lease is released at once.
	wake chan struct{}

	mu         sync.Mutex
	candidates map[string]Group
	held       map[string]*heldLease
	alive      int
}

// heldLease is a lease this replica holds.
type heldLease struct {
	lease pipeline.Lease
	// until is when it counts as lost unless renewed, by this process's
	// monotonic clock: TTL/6 before it expires for the others.
	until time.Time
	run   *groupRun
	// releasing: the group was let go; the lease is released once its
	// windows in flight end.
	releasing bool
}

// offer makes gs candidates; with complete (a listing without failure),
// the candidates gs lacks are dropped, and a round lets them go.
func (s *sharer) offer(gs []Group, complete bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	listed := map[string]bool{}
	for _, g := range gs {
		listed[g.ID] = true
		if _, ok := s.candidates[g.ID]; !ok && s.started {
			s.log.Info("new "+s.noun+" found; the replicas share it", s.noun, g.ID)
		}
		s.candidates[g.ID] = g
	}
	if !complete {
		return
	}
	for id := range s.candidates {
		if !listed[id] {
			s.log.Info(s.noun+" no longer listed (deleted?), stopped following it; it is followed again if it comes back", s.noun, id)
			delete(s.candidates, id)
		}
	}
}

// heldUntil returns when this replica's lease of group counts as lost, and
// whether it holds one.
func (s *sharer) heldUntil(group string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.held[group]
	if !ok {
		return time.Time{}, false
	}
	return h.until, true
}

// run makes rounds until ctx has ended and every group followed has
// stopped, then releases the leases. The first round only records this
// replica as alive, so that replicas started together see each other
// before they take leases.
func (s *sharer) run(ctx context.Context) {
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.log.Info("sharing projects with other replicas", "replica", s.sh.Replica, "lease_ttl", s.sh.TTL.String())
	work := context.WithoutCancel(ctx)
	var groupsDone chan struct{}
	first := true
	for {
		if ctx.Err() != nil && groupsDone == nil {
			// Only rounds start groups, so none starts after this.
			groupsDone = make(chan struct{})
			go func() { s.f.groups.Wait(); close(groupsDone) }()
		}
		draining := groupsDone != nil
		next := s.round(work, ctx, !first && !draining, draining)
		if first {
			next = time.Now().Add(s.sh.TTL / 6)
		}
		first = false
		stopping := ctx.Done()
		if draining {
			stopping = nil
		}
		t := time.NewTimer(max(time.Until(next), minRoundGap))
		select {
		case <-t.C:
		case <-s.wake:
		case <-stopping:
		case <-groupsDone:
			t.Stop()
			s.releaseAll(work)
			return
		}
		t.Stop()
	}
}

// minRoundGap keeps rounds from spinning when deadlines crowd.
const minRoundGap = 10 * time.Millisecond

// round renews this replica's leases and records it as alive; with claim,
// it also lets go of groups above its fair share and takes free or
// expired leases below it, following their groups under parent. Its
// requests run under ctx. It returns when the next round is due.
func (s *sharer) round(ctx, parent context.Context, claim, draining bool) time.Time {
	start := time.Now()
	wall := s.sh.Now().Round(0)
	s.loseOverdue(start)
	rctx, cancel := context.WithDeadline(ctx, s.roundDeadline(start))
	defer cancel()
	alive, ok := s.heartbeat(rctx, wall, draining)
	s.renew(rctx, start, wall)
	s.releaseEnded(rctx, wall, draining)
	var expiry time.Time
	if claim && ok {
		expiry = s.balance(rctx, parent, start, wall, alive)
	}
	s.loseOverdue(time.Now())
	s.report(len(alive))
	return s.nextRound(start, wall, expiry)
}

// roundDeadline bounds a round's requests: it ends before the next round
// is due and before the first of this replica's leases would be lost.
func (s *sharer) roundDeadline(start time.Time) time.Time {
	d := start.Add(s.sh.TTL / 3)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.held {
		if h.until.Before(d) {
			d = h.until
		}
	}
	return d
}

// nextRound is TTL/3 after start, or sooner: when one of this replica's
// leases would be lost, or when another replica's lease expires (wall
// clock), so that a dead replica's groups are taken over at once.
func (s *sharer) nextRound(start, wall, foreignExpiry time.Time) time.Time {
	next := s.roundDeadline(start)
	if !foreignExpiry.IsZero() {
		if t := start.Add(foreignExpiry.Sub(wall) + minRoundGap); t.Before(next) {
			next = t
		}
	}
	return next
}

func (s *sharer) report(alive int) {
	s.mu.Lock()
	held := 0
	for _, h := range s.held {
		if !h.releasing {
			held++
		}
	}
	s.alive = alive
	s.mu.Unlock()
	if s.sh.Observer != nil {
		s.sh.Observer.Leases(held, alive)
	}
}
