package ingest

import (
	"context"
	"errors"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// releaseTimeout bounds the release of the leases at the end of a run.
const releaseTimeout = 5 * time.Second

// claim takes the free or expired lease l (as read) and follows its group
// under parent. It reports whether it won: a conflict means another
// replica did.
func (s *sharer) claim(ctx, parent context.Context, start, wall time.Time, l pipeline.Lease) bool {
	from := ""
	if l.Holder != "" && l.Holder != s.sh.Replica {
		from = l.Holder // its lease expired unrenewed
	}
	next := pipeline.Lease{Project: l.Project, Holder: s.sh.Replica, Expires: wall.Add(s.sh.TTL), Renewed: wall, Version: l.Version}
	got, err := s.sh.Store.WriteLease(ctx, next)
	if errors.Is(err, pipeline.ErrLeaseConflict) {
		s.log.Debug("another replica took the lease first", s.noun, l.Project)
		return false
	}
	if err != nil {
		s.log.Warn("taking a "+s.noun+" lease failed; retried next round", s.noun, l.Project, "err", err)
		return false
	}
	s.mu.Lock()
	g, listed := s.candidates[l.Project]
	h := &heldLease{lease: got, until: start.Add(s.sh.TTL - s.sh.TTL/6)}
	if listed {
		h.run = s.f.start(parent, g)
	} else { // let go while it was taken: give it back
		h.run = &groupRun{stop: func() {}, abort: func() {}, done: closedDone()}
		h.releasing = true
	}
	s.held[l.Project] = h
	s.mu.Unlock()
	attrs := []any{s.noun, l.Project, "replica", s.sh.Replica}
	if from != "" {
		attrs = append(attrs, "from", from)
	}
	s.log.Info(s.noun+" lease taken", attrs...)
	if s.sh.Observer != nil {
		s.sh.Observer.LeaseTaken(l.Project, from)
	}
	return true
}

func closedDone() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// release lets group go: no new window starts, and once the windows in
// flight have ended a round releases the lease (releaseEnded).
func (s *sharer) release(group string, h *heldLease) {
	s.mu.Lock()
	h.releasing = true
	s.mu.Unlock()
	h.run.stop()
	go func() {
		<-h.run.done
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}()
}

// releaseEnded releases the leases of the groups let go (all of them,
// draining) whose windows have all ended: other replicas may take them at
// once.
func (s *sharer) releaseEnded(ctx context.Context, wall time.Time, draining bool) {
	for group, h := range s.heldLeases() {
		if (h.releasing || draining) && ended(h.run) {
			s.giveBack(ctx, group, h, wall)
		}
	}
}

// releaseAll releases every lease still held, at the end of the run.
func (s *sharer) releaseAll(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, releaseTimeout)
	defer cancel()
	s.loseOverdue(time.Now())
	wall := s.sh.Now().Round(0)
	for group, h := range s.heldLeases() {
		s.giveBack(ctx, group, h, wall)
	}
	s.report(0)
}

// giveBack writes h's lease as free. On a conflict another replica took it
// already; on another failure it is tried again next round, or simply
// expires.
func (s *sharer) giveBack(ctx context.Context, group string, h *heldLease, wall time.Time) {
	l := h.lease
	l.Holder, l.Expires, l.Renewed = "", wall, wall
	_, err := s.sh.Store.WriteLease(ctx, l)
	if err != nil && !errors.Is(err, pipeline.ErrLeaseConflict) {
		s.log.Warn("releasing a "+s.noun+" lease failed; it expires by itself", s.noun, group, "replica", s.sh.Replica, "err", err)
		return
	}
	s.mu.Lock()
	delete(s.held, group)
	s.mu.Unlock()
	if err == nil {
		s.log.Info(s.noun+" lease released", s.noun, group, "replica", s.sh.Replica)
	}
}
