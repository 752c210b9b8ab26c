package sinktest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

func (h *sinkHarness) testStored(t *testing.T) {
	s := h.open(t)
	batch := Events(h.opts.BatchSize)
	expectResult(t, h.write(t, s, batch), len(batch), 0, 0)
	h.expectStored(t, s, batch)
}

func (h *sinkHarness) testEmptyBatch(t *testing.T) {
	s := h.open(t)
	for _, batch := range [][]pipeline.Event{nil, {}} {
		res := h.write(t, s, batch)
		expectResult(t, res, 0, 0, 0)
	}
	h.expectStored(t, s, nil)
}

// testNotRetained checks that Write neither modifies its batch nor keeps
// referring to the documents after returning.
func (h *sinkHarness) testNotRetained(t *testing.T) {
	s := h.open(t)
	batch := Events(h.opts.BatchSize)
	orig := cloneEvents(batch)
	expectResult(t, h.write(t, s, batch), len(batch), 0, 0)
	if !sameEvents(batch, orig) {
		t.Error("Write modified its batch")
	}
	for _, e := range batch {
		for i := range e.Doc {
			e.Doc[i] = ' '
		}
	}
	h.expectStored(t, s, orig)
}

func (h *sinkHarness) testDuplicate(t *testing.T) {
	s := h.open(t)
	n := h.opts.BatchSize
	all := Events(n + n/2)
	first, overlap := all[:n], all[n/2:]
	expectResult(t, h.write(t, s, first), n, 0, 0)
	expectResult(t, h.write(t, s, first), 0, n, 0)
	expectResult(t, h.write(t, s, overlap), len(overlap)-n/2, n/2, 0)
	h.expectStored(t, s, all)
}

// testDuplicateInBatch writes a batch holding some events twice: the later
// copies are duplicates of the earlier ones.
func (h *sinkHarness) testDuplicateInBatch(t *testing.T) {
	s := h.open(t)
	events := Events(h.opts.BatchSize / 2)
	batch := append(slices.Clone(events), events[:len(events)/2]...)
	expectResult(t, h.write(t, s, batch), len(events), len(events)/2, 0)
	h.expectStored(t, s, events)
}

func (h *sinkHarness) testDuplicateAfterReopen(t *testing.T) {
	if h.opts.Reopen == nil {
		t.Skip("SinkOptions.Reopen not given")
	}
	s := h.open(t)
	batch := Events(h.opts.BatchSize)
	expectResult(t, h.write(t, s, batch), len(batch), 0, 0)
	if err := s.Close(h.ctx(t)); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s2 := closeLater(t, h.opts.Reopen(t, s))
	more := Events(h.opts.BatchSize / 2)
	expectResult(t, h.write(t, s2, append(slices.Clone(batch), more...)), len(more), len(batch), 0)
	h.expectStored(t, s2, append(batch, more...))
}

func (h *sinkHarness) testRejected(t *testing.T) {
	if h.opts.Reject == nil {
		t.Skip("SinkOptions.Reject not given")
	}
	s := h.open(t)
	good := Events(h.opts.BatchSize)
	bad := h.opts.Reject(t)
	batch := slices.Insert(slices.Clone(good), len(good)/2, bad)
	res := h.write(t, s, batch)
	expectResult(t, res, len(good), 0, 1)
	for _, r := range res.Rejected {
		if r.Event.ID != bad.ID || r.Reason == "" {
			t.Errorf("rejection %q (status %d, reason %q); want id %q with a reason", r.Event.ID, r.Status, r.Reason, bad.ID)
		}
	}
	h.expectStored(t, s, good)
}

func (h *sinkHarness) testRetry(t *testing.T) {
	if h.opts.Faulty == nil {
		t.Skip("SinkOptions.Faulty not given")
	}
	s := closeLater(t, h.opts.Faulty(t))
	batch := Events(h.opts.BatchSize)
	faults := 0
	for attempt := 1; ; attempt++ {
		res, err := s.Write(h.ctx(t), batch)
		if err == nil {
			faults += res.Retries
			if res.Stored+res.Duplicates != len(batch) || len(res.Rejected) != 0 {
				t.Errorf("settled batch: stored %d + duplicates %d, rejected %d; want %d settled",
					res.Stored, res.Duplicates, len(res.Rejected), len(batch))
			}
			break
		}
		faults++
		if attempt == 10 {
			t.Fatalf("Write still failing after %d attempts: %v", attempt, err)
		}
	}
	if faults == 0 {
		t.Error("the faulty sink showed no failure and counted no retry: the fault injection had no effect")
	}
	h.expectStored(t, s, batch)
}

func (h *sinkHarness) testCancelledBefore(t *testing.T) {
	s := h.open(t)
	batch := Events(h.opts.BatchSize)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Write(ctx, batch); err == nil {
		t.Error("Write with a cancelled context returned no error")
	}
	res := h.write(t, s, batch)
	if res.Stored+res.Duplicates != len(batch) {
		t.Errorf("re-write after cancel: stored %d + duplicates %d; want %d", res.Stored, res.Duplicates, len(batch))
	}
	h.expectStored(t, s, batch)
}

// testCancelledDuring cancels Writes at various moments: whatever the
// outcome, re-writing settles every event once, and a Write that reported
// success really stored its batch.
func (h *sinkHarness) testCancelledDuring(t *testing.T) {
	s := h.open(t)
	var all []pipeline.Event
	for _, delay := range []time.Duration{0, 100 * time.Microsecond, time.Millisecond, 5 * time.Millisecond} {
		batch := Events(h.opts.BatchSize * 4)
		all = append(all, batch...)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(delay, cancel)
		_, err := s.Write(ctx, batch)
		cancel()
		res := h.write(t, s, batch)
		switch {
		case err == nil && res.Duplicates != len(batch):
			t.Errorf("cancel after %s: first Write succeeded but the re-write found %d of %d duplicates", delay, res.Duplicates, len(batch))
		case res.Stored+res.Duplicates != len(batch):
			t.Errorf("cancel after %s: re-write stored %d + duplicates %d; want %d", delay, res.Stored, res.Duplicates, len(batch))
		}
	}
	h.expectStored(t, s, all)
}

func (h *sinkHarness) testCloseTwice(t *testing.T) {
	for _, written := range []bool{false, true} {
		s := h.open(t)
		if written {
			h.write(t, s, Events(3))
		}
		for i := range 2 {
			if err := s.Close(h.ctx(t)); err != nil {
				t.Errorf("Close #%d (after writing: %v): %v", i+1, written, err)
			}
		}
	}
}
