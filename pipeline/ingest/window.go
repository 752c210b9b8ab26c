package ingest

import (
	"context"
	"fmt"
	"sync"

	"github.com/sourcegraph/conc/stream"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Window fetches w, parses its lines concurrently, writes the events in
// batches and sends the events the sink rejects to the dead letter. It
// blocks until every event of w is settled and then returns nil with the
// window's stats; the caller may then record w.
//
// An error (fetch, read, write, dead letter, or ctx ending) means some events
// are in an unknown state: w must not be recorded. Events already written
// are harmless, since a retry stores them again under the same ids. Window
// does not retry and does not record coverage; Backfill, Continuous and
// Windows do both. It is safe to call concurrently.
func (e *Engine) Window(ctx context.Context, w pipeline.Window) (Stats, error) {
	return e.window(ctx, w, nil)
}

func (e *Engine) window(ctx context.Context, w pipeline.Window, onBatch func(events int)) (Stats, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	rc, err := e.deps.Source.Fetch(ctx, w)
	if err != nil {
		return Stats{}, fmt.Errorf("fetching %s: %w", w, err)
	}
	defer rc.Close()

	b := newBatcher(e, w, cancel, onBatch)
	lr := newLineReader(rc)
	readErr := e.parseAll(ctx, lr, w, b)
	if readErr == nil && b.err == nil {
		b.fail(b.flush(ctx))
	}
	st := b.stats
	st.Lines, st.Blank, st.Bytes = lr.lines, lr.blank, lr.bytes
	switch {
	case b.err != nil:
		return st, b.err
	case readErr != nil:
		return st, readErr
	}
	return st, nil
}

// parseAll feeds the lines of lr to a bounded, ordered stream of parsers
// whose results go to b, and returns once all are handed to b. Blocking in
// b (a slow sink) stalls the stream and, through it, the reading.
func (e *Engine) parseAll(ctx context.Context, lr *lineReader, w pipeline.Window, b *batcher) error {
	s := stream.New().WithMaxGoroutines(e.cfg.workers())
	err := e.feed(ctx, lr, w, s, b)
	s.Wait()
	return err
}

func (e *Engine) feed(ctx context.Context, lr *lineReader, w pipeline.Window, s *stream.Stream, b *batcher) error {
	c := getChunk()
	for {
		more, err := lr.next(c)
		if err != nil {
			putChunk(c)
			return fmt.Errorf("reading %s: %w", w, err)
		}
		if len(c.ends) > 0 && (!more || c.full()) {
			if ctx.Err() != nil {
				putChunk(c)
				return context.Cause(ctx)
			}
			s.Go(e.parseTask(ctx, c, w, b))
			c = getChunk()
		}
		if !more {
			putChunk(c)
			return nil
		}
	}
}

// parseTask parses the lines of c; its callback, run in order with the
// other chunks' callbacks, hands the events to b.
func (e *Engine) parseTask(ctx context.Context, c *chunk, w pipeline.Window, b *batcher) stream.Task {
	return func() (cb stream.Callback) {
		evs := getEvents()
		failures := 0
		defer func() {
			// A parser bug must not take the whole process down; the
			// window fails instead, and keeps failing without being skipped.
			if p := recover(); p != nil {
				err := pipeline.Permanent(fmt.Errorf("parsing %s: the parser panicked: %v", w, p))
				cb = func() { b.fail(err) }
			}
		}()
		start := 0
		for _, end := range c.ends {
			ev, err := e.deps.Parser.Parse(c.data[start:end], w)
			if err != nil || ev.Failed {
				failures++
			}
			*evs = append(*evs, ev)
			start = end
		}
		putChunk(c)
		return func() {
			b.add(ctx, *evs, failures)
			putEvents(evs)
		}
	}
}

var eventsPool = sync.Pool{New: func() any {
	s := make([]pipeline.Event, 0, chunkLines)
	return &s
}}

func getEvents() *[]pipeline.Event { return eventsPool.Get().(*[]pipeline.Event) }

func putEvents(s *[]pipeline.Event) {
	clear(*s)
	*s = (*s)[:0]
	eventsPool.Put(s)
}
