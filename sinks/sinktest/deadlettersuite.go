package sinktest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// DeadLetterOptions tells RunDeadLetterSuite how to read a dead-letter
// place back.
type DeadLetterOptions struct {
	// Stored returns every rejection d holds, in any order, one entry per
	// stored copy, with at least the event's id and document, the status
	// and the reason. It is called while d is open. Required.
	Stored func(t *testing.T, d pipeline.DeadLetter) []pipeline.Rejection
	// Timeout bounds each call; 0 means 1 minute.
	Timeout time.Duration
}

// RunDeadLetterSuite checks that the dead-letter places newDL returns
// honour the DeadLetter contract of package pipeline: what Put accepted
// reads back whole (documents that are not JSON included, byte for byte),
// empty puts, concurrent puts, a cancelled context, Where, and closing
// twice without a panic. newDL must return a place over fresh, empty
// storage on every call; the suite closes what it opens.
func RunDeadLetterSuite(t *testing.T, newDL func(t *testing.T) pipeline.DeadLetter, opts DeadLetterOptions) {
	t.Helper()
	if opts.Stored == nil {
		t.Fatal("sinktest: DeadLetterOptions.Stored is required")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Minute
	}
	h := &deadLetterHarness{newDL: newDL, opts: opts}
	t.Run("RoundTrip", h.testRoundTrip)
	t.Run("EmptyPut", h.testEmptyPut)
	t.Run("SameIDOnce", h.testSameIDOnce)
	t.Run("ConcurrentPuts", h.testConcurrent)
	t.Run("CancelledContext", h.testCancelled)
	t.Run("Where", h.testWhere)
	t.Run("CloseTwice", h.testCloseTwice)
}

type deadLetterHarness struct {
	newDL func(t *testing.T) pipeline.DeadLetter
	opts  DeadLetterOptions
}

func (h *deadLetterHarness) open(t *testing.T) pipeline.DeadLetter {
	d := h.newDL(t)
	t.Cleanup(func() { _ = d.Close(context.Background()) }) // a second Close may report an error
	return d
}

func (h *deadLetterHarness) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), h.opts.Timeout)
	t.Cleanup(cancel)
	return ctx
}

// Rejections returns n rejections of fresh events with varied statuses and
// reasons, including a document that is not JSON and one that is not
// valid UTF-8.
func Rejections(n int) []pipeline.Rejection {
	events := Events(n)
	out := make([]pipeline.Rejection, n)
	for i, e := range events {
		out[i] = pipeline.Rejection{Event: e, Status: 400, Reason: fmt.Sprintf("mapper_parsing_exception: failed to parse field [source.ip] #%d\n\t\"quoted\" é", i)}
		switch i % 4 {
		case 1:
			out[i].Status = 0
			out[i].Event.Doc = []byte("not json {" + e.ID)
		case 2:
			out[i].Status = 413
			out[i].Event.Doc = append([]byte{0xff, 0xfe, '\n', 0}, e.ID...)
		}
	}
	return out
}

func (h *deadLetterHarness) testRoundTrip(t *testing.T) {
	d := h.open(t)
	rs := Rejections(9)
	if err := d.Put(h.ctx(t), rs[:5]); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := d.Put(h.ctx(t), rs[5:]); err != nil {
		t.Fatalf("Put: %v", err)
	}
	ExpectRejections(t, h.opts.Stored(t, d), rs)
}

// testSameIDOnce: events put again (a window re-read, an overlap) and an
// id repeated within one Put are held once.
func (h *deadLetterHarness) testSameIDOnce(t *testing.T) {
	d := h.open(t)
	rs := Rejections(9)
	if err := d.Put(h.ctx(t), rs[:6]); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := d.Put(h.ctx(t), rs[3:]); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := d.Put(h.ctx(t), []pipeline.Rejection{rs[8], rs[8], rs[0]}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got := h.opts.Stored(t, d)
	count := map[string]int{}
	for _, r := range got {
		count[r.Event.ID]++
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("dead letter %q held %d times", id, n)
		}
	}
	ExpectRejections(t, got, rs)
}

func (h *deadLetterHarness) testEmptyPut(t *testing.T) {
	d := h.open(t)
	if err := d.Put(h.ctx(t), nil); err != nil {
		t.Fatalf("Put(nil): %v", err)
	}
	ExpectRejections(t, h.opts.Stored(t, d), nil)
}

func (h *deadLetterHarness) testConcurrent(t *testing.T) {
	d := h.open(t)
	rs := Rejections(40)
	var wg sync.WaitGroup
	for i := 0; i < len(rs); i += 5 {
		wg.Go(func() {
			if err := d.Put(h.ctx(t), rs[i:i+5]); err != nil {
				t.Errorf("Put: %v", err)
			}
		})
	}
	wg.Wait()
	ExpectRejections(t, h.opts.Stored(t, d), rs)
}

// testCancelled: a Put with a cancelled context either fails or stored its
// rejections; Put again afterwards stores them.
func (h *deadLetterHarness) testCancelled(t *testing.T) {
	d := h.open(t)
	rs := Rejections(4)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := d.Put(ctx, rs)
	if err == nil {
		ExpectRejections(t, h.opts.Stored(t, d), rs)
		return
	}
	if err := d.Put(h.ctx(t), rs); err != nil {
		t.Fatalf("Put after a cancelled Put: %v", err)
	}
	got := h.opts.Stored(t, d)
	ExpectRejections(t, got, rs)
}

func (h *deadLetterHarness) testWhere(t *testing.T) {
	if w := h.open(t).Where(); w == "" {
		t.Error("Where() is empty")
	}
}

func (h *deadLetterHarness) testCloseTwice(t *testing.T) {
	d := h.newDL(t)
	if err := d.Put(h.ctx(t), Rejections(1)); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := d.Close(h.ctx(t)); err != nil {
		t.Errorf("Close: %v", err)
	}
	_ = d.Close(h.ctx(t)) // must not panic
}
