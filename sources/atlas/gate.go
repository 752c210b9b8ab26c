package atlas

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// Pacing after a 429: the share of the bucket's rate the client aims at is
// cut by cutFactor (not below minFactor), and regained by regainStep for
// every refill step that passes without one.
const (
	cutFactor  = 0.7
	minFactor  = 0.1
	regainStep = 0.1
)

// gate paces the requests to one project after Atlas's Streams bucket (see
// Bucket): the client keeps its own count of the requests it may send,
// one refill step behind Atlas's, refilled continuously at Bucket.Rate.
// Atlas's RateLimit-Remaining lowers the count when another client of the
// project spends tokens; a 429 holds every request of the project until
// the next refill (Retry-After), empties the count and lowers the pace,
// which comes back step by step while no 429 follows. It is safe for
// concurrent use.
type gate struct {
	b     Bucket
	limit *rate.Limiter // the configured extra cap; nil when none

	mu     sync.Mutex
	tokens float64   // requests that may leave now; negative: reserved ahead
	at     time.Time // when tokens was last brought up to date
	until  time.Time // the hold: nothing leaves before
	epoch  int       // bumped by each hold: reservations made before are void
	factor float64   // part of Bucket.Rate aimed at now
	calm   time.Time // when factor last changed
	flight int       // requests sent and not answered yet
	held   int       // holds so far, for tests and figures
}

func newGate(b Bucket, perSecond float64, burst int) *gate {
	g := &gate{b: b, tokens: b.start(), at: time.Now(), factor: 1, calm: time.Now()}
	if perSecond > 0 {
		g.limit = rate.NewLimiter(rate.Limit(perSecond), burst)
	}
	return g
}

func (g *gate) rate() float64 { return g.b.Rate() * g.factor }

// refillLocked brings tokens up to now; nothing accrues during a hold.
func (g *gate) refillLocked(now time.Time) {
	if steps := int(now.Sub(g.calm) / g.b.Every); steps > 0 && g.factor < 1 {
		g.factor = min(1, g.factor+regainStep*float64(steps))
		g.calm = now
	}
	if now.After(g.at) {
		g.tokens = min(g.b.start(), g.tokens+g.rate()*now.Sub(g.at).Seconds())
		g.at = now
	}
}

// dueLocked is when a request reserved now may leave.
func (g *gate) dueLocked(now time.Time) time.Time {
	due := now
	if g.at.After(due) {
		due = g.at
	}
	if g.tokens < 0 {
		due = due.Add(time.Duration(-g.tokens / g.rate() * float64(time.Second)))
	}
	return due
}

// wait blocks until one more request may leave for the project and counts
// it in flight; the caller must call answered once it has an answer (or
// none). A hold that starts while it waits makes it wait for the hold.
func (g *gate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		now := time.Now()
		g.refillLocked(now)
		g.tokens--
		due, epoch := g.dueLocked(now), g.epoch
		g.mu.Unlock()
		if err := retry.Sleep(ctx, time.Until(due)); err != nil {
			g.giveBack(epoch)
			return fmt.Errorf("waiting for the project's rate limit: %w", err)
		}
		g.mu.Lock()
		if g.epoch != epoch {
			g.mu.Unlock()
			continue // a 429 voided the reservation: queue again after the hold
		}
		g.flight++
		g.mu.Unlock()
		break
	}
	if g.limit != nil {
		if err := g.limit.Wait(ctx); err != nil {
			g.answered(-1)
			return fmt.Errorf("waiting for the project's rate limit: %w", err)
		}
	}
	return nil
}

func (g *gate) giveBack(epoch int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.epoch == epoch {
		g.tokens++
	}
}

// ready blocks until a request to the project could leave now, without
// reserving it: callers wait here before taking a concurrency slot, so that
// a project held or paced does not keep slots from the other projects.
func (g *gate) ready(ctx context.Context) error {
	for {
		g.mu.Lock()
		now := time.Now()
		g.refillLocked(now)
		d := g.until.Sub(now)
		if g.tokens < 1 {
			d = max(d, time.Duration((1-g.tokens)/g.rate()*float64(time.Second)))
		}
		g.mu.Unlock()
		if d <= 0 {
			return nil
		}
		if err := retry.Sleep(ctx, d); err != nil {
			return fmt.Errorf("waiting for the project's rate limit: %w", err)
		}
	}
}

// answered ends a request in flight. remaining is Atlas's
// RateLimit-Remaining, negative when the answer had none (or no answer
// came): Atlas's count, less the requests still on their way to it, caps
// the client's own.
func (g *gate) answered(remaining int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.flight = max(0, g.flight-1)
	if remaining < 0 {
		return
	}
	now := time.Now()
	g.refillLocked(now)
	reserved := min(0, g.tokens) // waiters queued on the count
	if atlas := float64(remaining-g.flight) + reserved; atlas < g.tokens {
		g.tokens = atlas
	}
}

// throttled holds every request of the project for d (Atlas's Retry-After,
// or the caller's guess), then lets them go starting from an empty count;
// with slow (a 429) at a lower pace too. A 429 that arrives during a hold
// (a request sent before it started) only extends it.
func (g *gate) throttled(d time.Duration, slow bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	t := now.Add(d)
	if slow && now.After(g.until) {
		g.factor = max(minFactor, g.factor*cutFactor)
		g.calm = t
		g.held++
	}
	if t.After(g.until) {
		g.until = t
	}
	g.tokens, g.at = 0, g.until
	g.epoch++
}

// gates hands out one gate per project.
type gates struct {
	mu        sync.Mutex
	m         map[string]*gate
	bucket    Bucket
	perSecond float64
	burst     int
}

func (gs *gates) get(project string) *gate {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g, ok := gs.m[project]
	if !ok {
		g = newGate(gs.bucket, gs.perSecond, gs.burst)
		gs.m[project] = g
	}
	return g
}

// slots bounds the requests in flight.
type slots chan struct{}

func (s slots) acquire(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slots) release() { <-s }
