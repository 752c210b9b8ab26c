package pipelinetest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.Sink = (*Failing)(nil)

// ErrInjected is the error Failing returns when Err is nil.
var ErrInjected = errors.New("pipelinetest: injected failure")

// Failing injects faults in front of another sink. Its first Failures
// Writes fail with Err (wrap it with pipeline.Throttle or
// pipeline.Permanent to test classification); with Partial, each failing
// Write first passes the first half of its batch to Next, as a real sink
// whose outcome is unknown may have stored part of it. Events matching
// Reject are refused for good with status 400 and never reach Next. Set
// the fields before the first Write; Failing is then safe for concurrent
// use.
type Failing struct {
	Next     pipeline.Sink // required
	Failures int
	Err      error
	Partial  bool
	Reject   func(pipeline.Event) bool

	mu    sync.Mutex
	calls int
}

// Write fails as configured, or writes the events Reject lets through to
// Next and adds the rejected ones to Next's result.
func (f *Failing) Write(ctx context.Context, batch []pipeline.Event) (pipeline.WriteResult, error) {
	if f.Next == nil {
		return pipeline.WriteResult{}, errors.New("pipelinetest: Failing.Next is nil")
	}
	f.mu.Lock()
	f.calls++
	fail := f.calls <= f.Failures
	f.mu.Unlock()
	if fail {
		return pipeline.WriteResult{}, f.fail(ctx, batch)
	}
	var (
		pass     []pipeline.Event
		rejected []pipeline.Rejection
	)
	for _, e := range batch {
		if f.Reject != nil && f.Reject(e) {
			rejected = append(rejected, pipeline.Rejection{Event: e, Status: 400, Reason: "rejected by pipelinetest.Failing"})
			continue
		}
		pass = append(pass, e)
	}
	res, err := f.Next.Write(ctx, pass)
	if err != nil {
		return pipeline.WriteResult{}, err
	}
	res.Rejected = append(res.Rejected, rejected...)
	return res, nil
}

func (f *Failing) fail(ctx context.Context, batch []pipeline.Event) error {
	err := f.Err
	if err == nil {
		err = ErrInjected
	}
	if f.Partial && len(batch) > 1 {
		if _, perr := f.Next.Write(ctx, batch[:len(batch)/2]); perr != nil {
			return fmt.Errorf("%w (and the partial write failed: %w)", err, perr)
		}
	}
	return err
}

// Close closes Next.
func (f *Failing) Close(ctx context.Context) error {
	if f.Next == nil {
		return nil
	}
	return f.Next.Close(ctx)
}

// Calls returns the number of Write calls so far.
func (f *Failing) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}
