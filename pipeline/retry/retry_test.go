package retry

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

var errFlaky = errors.New("flaky")

func fast() Policy {
	return Policy{Initial: time.Millisecond, Max: 4 * time.Millisecond, Multiplier: 2}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	p := Policy{Initial: 100 * time.Millisecond, Max: time.Second, Multiplier: 2}
	for n, d := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 30: time.Second} {
		for range 50 {
			got := p.Backoff(n)
			if got < d/2 || got > d {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", n, got, d/2, d)
			}
		}
	}
	p.Multiplier = 0 // below 1 means 2
	if got := p.Backoff(3); got < 200*time.Millisecond || got > 400*time.Millisecond {
		t.Errorf("multiplier 0: Backoff(3) = %v, want doubling", got)
	}
}

func TestWaitHonoursLongerRetryAfter(t *testing.T) {
	p := Policy{Initial: time.Millisecond, Max: time.Millisecond}
	if got := p.Wait(1, pipeline.Throttle(errFlaky, time.Minute)); got != time.Minute {
		t.Errorf("Wait = %v, want the server's minute", got)
	}
	if got := p.Wait(1, pipeline.Throttle(errFlaky, 0)); got > time.Millisecond {
		t.Errorf("Wait without Retry-After = %v, want backoff", got)
	}
}

func TestDoRetriesUntilSuccess(t *testing.T) {
	calls := 0
	var notified []int
	err := fast().Do(context.Background(), func(context.Context) error {
		calls++
		if calls < 3 {
			return errFlaky
		}
		return nil
	}, func(attempt int, err error, wait time.Duration) {
		if !errors.Is(err, errFlaky) || wait <= 0 {
			t.Errorf("notify(%d, %v, %v)", attempt, err, wait)
		}
		notified = append(notified, attempt)
	})
	if err != nil || calls != 3 {
		t.Fatalf("Do = %v after %d calls, want nil after 3", err, calls)
	}
	if len(notified) != 2 || notified[0] != 1 || notified[1] != 2 {
		t.Errorf("notified attempts %v, want [1 2]", notified)
	}
}

func TestDoStopsAtOnceOnPermanent(t *testing.T) {
	calls := 0
	err := fast().Do(context.Background(), func(context.Context) error {
		calls++
		return pipeline.Permanent(errFlaky)
	}, nil)
	if calls != 1 || !pipeline.IsPermanent(err) || !errors.Is(err, errFlaky) {
		t.Fatalf("calls %d, err %v: want one call and the permanent error", calls, err)
	}
}

func TestDoMaxAttempts(t *testing.T) {
	p := fast()
	p.MaxAttempts = 4
	calls := 0
	err := p.Do(context.Background(), func(context.Context) error { calls++; return errFlaky }, nil)
	if calls != 4 || !errors.Is(err, errFlaky) {
		t.Fatalf("calls %d, err %v: want 4 calls wrapping the last error", calls, err)
	}
}

func TestDoBudget(t *testing.T) {
	p := Policy{Initial: 20 * time.Millisecond, Max: 20 * time.Millisecond, Budget: 50 * time.Millisecond}
	calls := 0
	start := time.Now()
	err := p.Do(context.Background(), func(context.Context) error { calls++; return errFlaky }, nil)
	if !errors.Is(err, errFlaky) {
		t.Fatalf("err %v does not wrap the last error", err)
	}
	if el := time.Since(start); el > 50*time.Millisecond+100*time.Millisecond || calls > 6 {
		t.Errorf("spent %v over %d calls with a 50ms budget", el, calls)
	}
}

func TestDoDoesNotSleepPastDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	calls := 0
	start := time.Now()
	err := Policy{Initial: time.Hour, Max: time.Hour}.Do(ctx, func(context.Context) error { calls++; return errFlaky }, nil)
	if calls != 1 || !errors.Is(err, errFlaky) || time.Since(start) > 40*time.Millisecond {
		t.Fatalf("calls %d, err %v after %v: want one call returning at once", calls, err, time.Since(start))
	}
}

func TestDoReturnsOnCancelDuringWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	err := Policy{Initial: time.Hour, Max: time.Hour}.Do(ctx, func(context.Context) error { return errFlaky }, nil)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, errFlaky) {
		t.Fatalf("err %v: want it to wrap both context.Canceled and the last error", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("Do slept %v after cancel", time.Since(start))
	}
}

func TestValidate(t *testing.T) {
	if err := NewDefaultPolicy().Validate(); err != nil {
		t.Fatalf("default policy invalid: %v", err)
	}
	err := Policy{Initial: 0, Max: -1, Budget: -1, MaxAttempts: -1}.Validate()
	for _, key := range []string{"initial", "max:", "budget", "max_attempts"} {
		if err == nil || !contains(err.Error(), key) {
			t.Errorf("Validate() = %v, want a problem naming %q", err, key)
		}
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// An error an inner loop gave up on is not retried by an outer one.
func TestOuterLoopDoesNotRetrySpentError(t *testing.T) {
	inner := Policy{Initial: time.Millisecond, Max: time.Millisecond, MaxAttempts: 2}
	outer := Policy{Initial: time.Millisecond, Max: time.Millisecond, MaxAttempts: 5}
	calls := 0
	err := outer.Do(context.Background(), func(ctx context.Context) error {
		return inner.Do(ctx, func(context.Context) error { calls++; return errors.New("503") }, nil)
	}, nil)
	if calls != 2 || !IsSpent(err) {
		t.Fatalf("%d calls, error %v: want the inner loop's 2 attempts only, a spent error", calls, err)
	}
	// A plain failure of the inner operation is still the outer loop's to retry.
	calls = 0
	err = outer.Do(context.Background(), func(context.Context) error { calls++; return errors.New("503") }, nil)
	if calls != 5 || !IsSpent(err) {
		t.Fatalf("%d calls, error %v", calls, err)
	}
}
