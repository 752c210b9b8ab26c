package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Policy says how long to wait between attempts and when to give up.
type Policy struct {
	// Initial is the wait after the first failure (before jitter).
	Initial time.Duration `koanf:"initial"`
	// Max caps a single wait (Retry-After may exceed it).
	Max time.Duration `koanf:"max"`
	// Multiplier grows the wait after each failure; below 1 means 2.
	Multiplier float64 `koanf:"multiplier"`
	// Budget bounds the total time spent retrying one operation; zero
	// means no bound (retry until the context ends).
	Budget time.Duration `koanf:"budget"`
	// MaxAttempts bounds the number of attempts; zero means no bound.
	MaxAttempts int `koanf:"max_attempts"`
}

// NewDefaultPolicy returns 1s initial wait, doubling, capped at 1 minute,
// with a 15 minute budget.
func NewDefaultPolicy() Policy {
	return Policy{Initial: time.Second, Max: time.Minute, Multiplier: 2, Budget: 15 * time.Minute}
}

// Validate reports every problem of the policy at once.
func (p Policy) Validate() error {
	var errs []error
	if p.Initial <= 0 {
		errs = append(errs, errors.New("initial: must be greater than 0"))
	}
	if p.Max < p.Initial {
		errs = append(errs, errors.New("max: must be at least initial"))
	}
	if p.Budget < 0 {
		errs = append(errs, errors.New("budget: must not be negative"))
	}
	if p.MaxAttempts < 0 {
		errs = append(errs, errors.New("max_attempts: must not be negative"))
	}
	return errors.Join(errs...)
}

// Backoff returns the jittered wait before attempt n+1 after n failures
// (n >= 1): a uniformly random duration in [d/2, d] where d grows
// exponentially from Initial and is capped at Max.
func (p Policy) Backoff(n int) time.Duration {
	mult := p.Multiplier
	if mult < 1 {
		mult = 2
	}
	d := float64(p.Initial)
	for i := 1; i < n && d < float64(p.Max); i++ {
		d *= mult
	}
	if p.Max > 0 && d > float64(p.Max) {
		d = float64(p.Max)
	}
	half := d / 2
	return time.Duration(half + rand.Float64()*half)
}

// Wait returns how long to wait after the n-th failure with err: the
// server's Retry-After when it gave one and it is longer, else Backoff(n).
func (p Policy) Wait(n int, err error) time.Duration {
	d := p.Backoff(n)
	if ra, ok := pipeline.RetryAfter(err); ok && ra > d {
		d = ra
	}
	return d
}

// Notify is called before each wait with the attempt number that failed,
// its error and the wait chosen.
type Notify func(attempt int, err error, wait time.Duration)

// Do calls op until it succeeds, returns a permanent error, the attempts or
// the budget are spent, or ctx ends. It never sleeps past ctx's deadline:
// when the next wait would end after it, Do returns the last error at once.
// The returned error wraps op's last error.
func (p Policy) Do(ctx context.Context, op func(context.Context) error, notify Notify) error {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := op(ctx)
		if err == nil {
			return nil
		}
		wait, final := p.Next(ctx, attempt, start, err)
		if final != nil {
			return final
		}
		if notify != nil {
			notify(attempt, err, wait)
		}
		if serr := Sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w (after %d attempts: %w)", serr, attempt, err)
		}
	}
}

// Next is Do's decision after the attempt-th failure err of an operation
// whose first attempt began at start, for callers that wait elsewhere than
// in a sleeping goroutine (a scheduler that runs other work meanwhile). It
// returns either the wait before the next attempt and nil, or the error to
// give up with, wrapping err: permanent errors, an inner loop's SpentError,
// an ended ctx, spent attempts or budget, and a wait past ctx's deadline
// end it (the last three as a SpentError, but for ctx).
func (p Policy) Next(ctx context.Context, attempt int, start time.Time, err error) (time.Duration, error) {
	if pipeline.IsPermanent(err) || IsSpent(err) {
		return 0, err
	}
	if ctx.Err() != nil {
		return 0, fmt.Errorf("%w (after %d attempts: %w)", ctx.Err(), attempt, err)
	}
	if p.MaxAttempts > 0 && attempt >= p.MaxAttempts {
		return 0, &SpentError{fmt.Errorf("giving up after %d attempts: %w", attempt, err)}
	}
	wait := p.Wait(attempt, err)
	if p.Budget > 0 && time.Since(start)+wait > p.Budget {
		return 0, &SpentError{fmt.Errorf("giving up after %d attempts in %s: %w", attempt, time.Since(start).Round(time.Millisecond), err)}
	}
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		return 0, &SpentError{fmt.Errorf("giving up: the next attempt would be after the deadline: %w", err)}
	}
	return wait, nil
}

// Sleep waits for d or until ctx ends, returning ctx's error in that case.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
