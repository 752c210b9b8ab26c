package sinks

import (
	"context"
	"errors"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Outputs are where one run's events, dead letters and checkpoints go.
type Outputs struct {
	Sink        pipeline.Sink
	DeadLetter  pipeline.DeadLetter
	Checkpoints pipeline.CheckpointStore
	// Leases, when set, is where `run` replicas sharing this sink share
	// the projects (a search sink's state index); nil means one replica
	// per sink (the file sink locks its directory instead).
	Leases pipeline.LeaseStore
	// Where names the destination for logs ("NDJSON files under ./data").
	Where string
	// Retention is how long the sink keeps events (0: forever); a
	// backfill starts no earlier than now minus it.
	Retention time.Duration
	// Upkeep, when set, does the sink's housekeeping (deleting indices
	// past the retention). It logs its own failures, which the next call
	// retries; commands call it after their work, and `run` every hour.
	Upkeep func(ctx context.Context)

	closed bool
}

// Close flushes and releases the sink, the dead-letter place and the
// checkpoint store, reporting every failure. A second call does nothing.
func (o *Outputs) Close(ctx context.Context) error {
	if o.closed {
		return nil
	}
	o.closed = true
	var errs []error
	if o.Sink != nil {
		errs = append(errs, o.Sink.Close(ctx))
	}
	if o.DeadLetter != nil {
		errs = append(errs, o.DeadLetter.Close(ctx))
	}
	if o.Checkpoints != nil {
		errs = append(errs, o.Checkpoints.Close(ctx))
	}
	return errors.Join(errs...)
}
