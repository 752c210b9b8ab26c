package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// batcher gathers the events of one window into batches and writes each
// synchronously. It is used by one goroutine at a time: the stream's
// callbacks, then the window's own goroutine for the last batch.
type batcher struct {
	e        *Engine
	w        pipeline.Window
	stop     context.CancelCauseFunc
	onBatch  func(events int)
	batch    []pipeline.Event
	bytes    int
	maxBytes int
	stats    Stats
	err      error // the first failure; the window has failed
}

func newBatcher(e *Engine, w pipeline.Window, stop context.CancelCauseFunc, onBatch func(int)) *batcher {
	return &batcher{
		e: e, w: w, stop: stop, onBatch: onBatch,
		batch:    make([]pipeline.Event, 0, e.cfg.BatchSize),
		maxBytes: e.cfg.BatchBytes,
	}
}

// add takes events in, writing a batch whenever it is full. After a
// failure events are dropped: the window will be fetched again.
func (b *batcher) add(ctx context.Context, evs []pipeline.Event, failures int) {
	if b.err != nil {
		return
	}
	b.stats.Events += int64(len(evs))
	b.stats.ParseFailures += int64(failures)
	for _, ev := range evs {
		size := len(ev.Doc) + len(ev.ID)
		if b.maxBytes > 0 && len(b.batch) > 0 && b.bytes+size > b.maxBytes {
			if b.fail(b.flush(ctx)) {
				return
			}
		}
		b.batch = append(b.batch, ev)
		b.bytes += size
		if len(b.batch) >= cap(b.batch) || (b.maxBytes > 0 && b.bytes >= b.maxBytes) {
			if b.fail(b.flush(ctx)) {
				return
			}
		}
	}
}

// fail records err, if any, as the window's failure and stops the window;
// it reports whether the window has failed.
func (b *batcher) fail(err error) bool {
	if err != nil && b.err == nil {
		b.err = err
		b.stop(err)
	}
	return b.err != nil
}

// flush writes the batch and dead-letters what the sink rejected.
func (b *batcher) flush(ctx context.Context) error {
	n := len(b.batch)
	if n == 0 {
		return nil
	}
	start := time.Now()
	res, err := b.e.deps.Sink.Write(ctx, b.batch)
	if err != nil {
		return fmt.Errorf("writing %d events of %s: %w", n, b.w, err)
	}
	b.e.obs.BatchWritten(n, time.Since(start))
	if got := res.Stored + res.Duplicates + len(res.Rejected); got != n {
		return fmt.Errorf("writing %d events of %s: the sink accounted for %d", n, b.w, got)
	}
	if len(res.Rejected) > 0 {
		if err := b.e.deps.DeadLetter.Put(ctx, res.Rejected); err != nil {
			return fmt.Errorf("dead-lettering %d events of %s: %w", len(res.Rejected), b.w, err)
		}
	}
	b.stats.Stored += int64(res.Stored)
	b.stats.Duplicates += int64(res.Duplicates)
	b.stats.DeadLettered += int64(len(res.Rejected))
	b.stats.Retries += int64(res.Retries)
	// Settled: the documents are garbage now; clear drops the batch's
	// references so that they can be collected.
	clear(b.batch)
	b.batch, b.bytes = b.batch[:0], 0
	if b.onBatch != nil {
		b.onBatch(n)
	}
	return nil
}
