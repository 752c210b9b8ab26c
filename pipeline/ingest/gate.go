package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// LeaseLostError is a checkpoint refused because this replica no longer
// holds the lease of the window's project (or could not renew it in time):
// another replica may follow the project now and record it.
type LeaseLostError struct {
	Project string
	Replica string
}

func (e *LeaseLostError) Error() string {
	return fmt.Sprintf("not recorded: replica %s no longer holds the lease of project %s (not renewed in time); the replica holding it fetches the window again", e.Replica, e.Project)
}

// leaseGate lets checkpoints through only for projects whose lease this
// replica holds, and only until the lease's deadline (monotonic clock): a
// write still running then is canceled.
type leaseGate struct {
	pipeline.CheckpointStore
	s *sharer
}

// MarkStored records r if the lease of s's project is held, else returns
// a *LeaseLostError.
func (g leaseGate) MarkStored(ctx context.Context, s pipeline.Series, r pipeline.Range) error {
	until, ok := g.s.heldUntil(s.ProjectID)
	lost := &LeaseLostError{Project: s.ProjectID, Replica: g.s.sh.Replica}
	if !ok || !time.Now().Before(until) {
		return lost
	}
	dctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	err := g.CheckpointStore.MarkStored(dctx, s, r)
	if err != nil && ctx.Err() == nil && errors.Is(dctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", lost, err)
	}
	return err
}
