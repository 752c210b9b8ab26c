package pipelinetest

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.Sink = (*Discard)(nil)

// Discard counts events and drops them, reporting each as stored: a sink
// for benchmarks of the stages before it. It does not detect duplicates.
// The zero value is ready to use and safe for concurrent use.
type Discard struct {
	events, batches, bytes atomic.Int64
}

// Write counts batch and reports every event stored, unless ctx has ended.
func (d *Discard) Write(ctx context.Context, batch []pipeline.Event) (pipeline.WriteResult, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.WriteResult{}, fmt.Errorf("discarding batch: %w", err)
	}
	var n int64
	for _, e := range batch {
		n += int64(len(e.Doc))
	}
	d.events.Add(int64(len(batch)))
	d.batches.Add(1)
	d.bytes.Add(n)
	return pipeline.WriteResult{Stored: len(batch)}, nil
}

// Close does nothing.
func (d *Discard) Close(context.Context) error { return nil }

// Events returns the number of events written.
func (d *Discard) Events() int64 { return d.events.Load() }

// Batches returns the number of successful Write calls.
func (d *Discard) Batches() int64 { return d.batches.Load() }

// Bytes returns the total size of the documents written.
func (d *Discard) Bytes() int64 { return d.bytes.Load() }
