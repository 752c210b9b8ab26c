package ingest

import (
	"context"
	"errors"
	"hash/fnv"
	"slices"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// membersAttempts bounds the read-modify-write of the members' record
// per round: a conflict only means another replica wrote at the same
// moment.
const membersAttempts = 5

// heartbeat records this replica as alive until wall + TTL (or, draining,
// removes it) and returns the replicas alive, itself included unless
// draining, each with the expiry of its record; ok is false when the
// record could not be read or written.
func (s *sharer) heartbeat(ctx context.Context, wall time.Time, draining bool) (map[string]time.Time, bool) {
	me := s.sh.Replica
	alive := map[string]time.Time{}
	if !draining {
		alive[me] = wall.Add(s.sh.TTL)
	}
	for range membersAttempts {
		m, err := s.sh.Store.Members(ctx)
		if err != nil {
			s.log.Warn("reading the replicas alive failed; retried next round", "replica", me, "err", err)
			return alive, false
		}
		next := pipeline.Members{Expires: map[string]time.Time{}, Version: m.Version}
		for id, exp := range m.Expires {
			if id != me && exp.After(wall) {
				next.Expires[id] = exp
				alive[id] = exp
			}
		}
		if !draining {
			next.Expires[me] = alive[me]
		} else if _, listed := m.Expires[me]; !listed {
			return alive, true
		}
		_, err = s.sh.Store.WriteMembers(ctx, next)
		if err == nil {
			return alive, true
		}
		if !errors.Is(err, pipeline.ErrLeaseConflict) {
			s.log.Warn("recording this replica as alive failed; retried next round", "replica", me, "err", err)
			return alive, false
		}
	}
	return alive, false
}

// renew extends every lease held to wall + TTL. A conflict means another
// replica took the lease: it is lost at once. Another failure is tried
// again next round, until the lease's deadline.
func (s *sharer) renew(ctx context.Context, start, wall time.Time) {
	for group, h := range s.heldLeases() {
		l := h.lease
		l.Holder, l.Expires, l.Renewed = s.sh.Replica, wall.Add(s.sh.TTL), wall
		got, err := s.sh.Store.WriteLease(ctx, l)
		switch {
		case err == nil:
			s.mu.Lock()
			h.lease, h.until = got, start.Add(s.sh.TTL-s.sh.TTL/6)
			s.mu.Unlock()
		case errors.Is(err, pipeline.ErrLeaseConflict):
			s.lose(group, "another replica wrote its lease")
		default:
			s.log.Warn("renewing a "+s.noun+" lease failed; retried next round", s.noun, group, "replica", s.sh.Replica,
				"lost_in", time.Until(h.until).Round(time.Millisecond).String(), "err", err)
		}
	}
}

// heldLeases returns a copy of the held map (the leases themselves are
// the map's: only rounds change them, under mu).
func (s *sharer) heldLeases() map[string]*heldLease {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]*heldLease, len(s.held))
	for g, h := range s.held {
		out[g] = h
	}
	return out
}

// loseOverdue loses the leases whose deadline has passed unrenewed.
func (s *sharer) loseOverdue(now time.Time) {
	for group, h := range s.heldLeases() {
		if !now.Before(h.until) {
			s.lose(group, "not renewed in time")
		}
	}
}

// lose stops following group at once, windows in flight included, and
// forgets its lease. A group no longer followed is dropped quietly.
func (s *sharer) lose(group, why string) {
	s.mu.Lock()
	h, ok := s.held[group]
	delete(s.held, group)
	s.mu.Unlock()
	if !ok {
		return
	}
	// Whether it was still followed is decided before the abort: an
	// aborted run may end at once.
	stillFollowed := !ended(h.run)
	h.run.abort()
	if !stillFollowed {
		s.log.Debug("lease of a "+s.noun+" no longer followed expired before its release", s.noun, group)
		return
	}
	s.log.Warn(s.noun+" lease lost, stopped following it", s.noun, group, "replica", s.sh.Replica, "reason", why)
	if s.sh.Observer != nil {
		s.sh.Observer.LeaseLost(group)
	}
}

func ended(gr *groupRun) bool {
	select {
	case <-gr.done:
		return true
	default:
		return false
	}
}

// balance lets go of held groups no longer listed or above the fair
// share, and takes free or expired leases up to it. It reads the other
// groups' leases only when below its share (some lease is then free, or
// held by a replica that may have died). It returns when another
// replica's record or lease expires first (zero: none), for the next
// round to take its groups over at once.
func (s *sharer) balance(ctx, parent context.Context, start, wall time.Time, alive map[string]time.Time) time.Time {
	cands := s.ranked()
	held := s.heldLeases()
	for group, h := range held {
		if !slices.ContainsFunc(cands, func(g Group) bool { return g.ID == group }) && !h.releasing {
			s.release(group, h)
		}
	}
	fair := func() int { return (len(cands) + len(alive) - 1) / len(alive) }
	mine := s.following(held)
	var free []pipeline.Lease
	if len(mine) < fair() {
		free = s.survey(ctx, wall, cands, held, alive)
	}
	for i := len(cands) - 1; i >= 0 && len(mine) > fair(); i-- {
		if h, ok := held[cands[i].ID]; ok && !h.releasing {
			s.release(cands[i].ID, h)
			mine = slices.DeleteFunc(mine, func(id string) bool { return id == cands[i].ID })
		}
	}
	for _, l := range free {
		if len(mine) >= fair() {
			break
		}
		if s.claim(ctx, parent, start, wall, l) {
			mine = append(mine, l.Project)
		}
	}
	var expiry time.Time
	for id, exp := range alive {
		if id != s.sh.Replica && (expiry.IsZero() || exp.Before(expiry)) {
			expiry = exp
		}
	}
	return expiry
}

// survey reads the leases of the candidates not held and returns the free
// or expired ones, in cands' order; the holders of the others count as
// alive until their lease expires.
func (s *sharer) survey(ctx context.Context, wall time.Time, cands []Group, held map[string]*heldLease, alive map[string]time.Time) []pipeline.Lease {
	var free []pipeline.Lease
	for _, g := range cands {
		if _, mine := held[g.ID]; mine {
			continue
		}
		l, err := s.sh.Store.Lease(ctx, g.ID)
		switch {
		case err != nil:
			s.log.Warn("reading a "+s.noun+" lease failed; retried next round", s.noun, g.ID, "err", err)
		case l.Version == "" || l.Holder == "" || l.Holder == s.sh.Replica || !l.Expires.After(wall):
			free = append(free, l)
		default:
			if exp, ok := alive[l.Holder]; !ok || l.Expires.Before(exp) {
				alive[l.Holder] = l.Expires
			}
		}
	}
	return free
}

// following returns the held groups not being let go.
func (s *sharer) following(held map[string]*heldLease) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for g, h := range held {
		if !h.releasing {
			out = append(out, g)
		}
	}
	return out
}

// ranked returns the candidates, the ones this replica prefers first
// (rendezvous hashing: each replica ranks the groups by a hash of its id
// and theirs, so replicas seldom race for the same lease and a group
// tends to go back to the same replica).
func (s *sharer) ranked() []Group {
	s.mu.Lock()
	out := make([]Group, 0, len(s.candidates))
	for _, g := range s.candidates {
		out = append(out, g)
	}
	s.mu.Unlock()
	score := func(g Group) uint64 {
		h := fnv.New64a()
		_, _ = h.Write([]byte(s.sh.Replica + "\x00" + g.ID))
		return h.Sum64()
	}
	slices.SortFunc(out, func(a, b Group) int {
		sa, sb := score(a), score(b)
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	return out
}
