package atlas

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// gate spaces the requests to one project: a token bucket, and a pause
// for the whole project after Atlas answered 429 (every other request of
// the project would be refused too): for its Retry-After, or without one
// for the first step of the retry policy.
type gate struct {
	limiter *rate.Limiter
	mu      sync.Mutex
	until   time.Time
}

func newGate(perSecond float64, burst int) *gate {
	return &gate{limiter: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// wait blocks until the project may receive one more request.
func (g *gate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			break
		}
		if err := retry.Sleep(ctx, d); err != nil {
			return err
		}
	}
	if err := g.limiter.Wait(ctx); err != nil {
		return fmt.Errorf("waiting for the project's rate limit: %w", err)
	}
	return nil
}

// pause holds every request of the project for d from now.
func (g *gate) pause(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := time.Now().Add(d); t.After(g.until) {
		g.until = t
	}
}

// gates hands out one gate per project.
type gates struct {
	mu        sync.Mutex
	m         map[string]*gate
	perSecond float64
	burst     int
}

func (gs *gates) get(project string) *gate {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g, ok := gs.m[project]
	if !ok {
		g = newGate(gs.perSecond, gs.burst)
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
