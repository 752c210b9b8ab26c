package sinktest

import (
	"context"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// SinkOptions tells RunSinkSuite how to inspect and stress one sink
// implementation. Only Stored is required.
type SinkOptions struct {
	// Stored returns every document s holds, one entry per stored copy, so
	// that a document stored twice shows up twice. It is called while s is
	// open, after Write returned, with any sink the suite got from
	// newSink, Reopen or Faulty. Required.
	Stored func(t *testing.T, s pipeline.Sink) []Doc
	// Reopen returns a new sink over the same storage as s, which the suite
	// has already closed. It checks that an earlier run's events are
	// duplicates for a later one. Optional.
	Reopen func(t *testing.T, s pipeline.Sink) pipeline.Sink
	// Reject returns an event the sink must refuse for good (a document the
	// backend cannot store). Optional.
	Reject func(t *testing.T) pipeline.Event
	// Faulty returns a sink over fresh storage with transient faults
	// injected: some of its Writes fail with an error, or it has to retry
	// inside Write. The suite re-writes the batch until Write returns nil
	// (at most 10 times) and expects every event stored exactly once, and
	// at least one failure or retry to have shown. Optional.
	Faulty func(t *testing.T) pipeline.Sink
	// BatchSize is the number of events in the suite's batches; 0 means 60.
	BatchSize int
	// Timeout bounds each Write; 0 means 2 minutes.
	Timeout time.Duration
}

// RunSinkSuite checks that the sinks newSink returns honour the Sink
// contract of package pipeline: stored counts, duplicates (within a batch,
// across batches and, with Reopen, across runs), rejections, transient
// faults, cancelled contexts, closing twice and concurrent Writes. newSink
// must return a sink over fresh, empty storage on every call; the suite
// closes every sink it opens. Run it under -race.
func RunSinkSuite(t *testing.T, newSink func(t *testing.T) pipeline.Sink, opts SinkOptions) {
	t.Helper()
	if opts.Stored == nil {
		t.Fatal("sinktest: SinkOptions.Stored is required")
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 60
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	h := &sinkHarness{newSink: newSink, opts: opts}
	t.Run("Stored", h.testStored)
	t.Run("EmptyBatch", h.testEmptyBatch)
	t.Run("NotRetained", h.testNotRetained)
	t.Run("Duplicate", h.testDuplicate)
	t.Run("DuplicateInBatch", h.testDuplicateInBatch)
	t.Run("DuplicateAfterReopen", h.testDuplicateAfterReopen)
	t.Run("Rejected", h.testRejected)
	t.Run("Retry", h.testRetry)
	t.Run("CancelledBefore", h.testCancelledBefore)
	t.Run("CancelledDuring", h.testCancelledDuring)
	t.Run("CloseTwice", h.testCloseTwice)
	t.Run("ConcurrentWrites", h.testConcurrent)
}

type sinkHarness struct {
	newSink func(t *testing.T) pipeline.Sink
	opts    SinkOptions
}

// open returns a new sink that is closed when the test ends.
func (h *sinkHarness) open(t *testing.T) pipeline.Sink {
	t.Helper()
	return closeLater(t, h.newSink(t))
}

func closeLater(t *testing.T, s pipeline.Sink) pipeline.Sink {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func (h *sinkHarness) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), h.opts.Timeout)
	t.Cleanup(cancel)
	return ctx
}

// write calls Write and fails the test on an error.
func (h *sinkHarness) write(t *testing.T, s pipeline.Sink, batch []pipeline.Event) pipeline.WriteResult {
	t.Helper()
	res, err := s.Write(h.ctx(t), batch)
	if err != nil {
		t.Fatalf("Write(%d events): %v", len(batch), err)
	}
	return res
}
