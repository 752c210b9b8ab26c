package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// BackfillRequest says what to backfill.
type BackfillRequest struct {
	Series []pipeline.Series
	// Range is [from, to). Its end is clamped to now minus the configured
	// lag: a later part may not be fully published yet and would be
	// recorded incomplete.
	Range pipeline.Range
	// Force fetches covered ranges too.
	Force bool
}

// Backfill fetches the windows of req.Range (cut at the configured window
// size) that the checkpoint store does not cover yet, or all of them with
// req.Force, with the configured concurrency; each window is retried with
// the configured policy (permanent errors fail at once) and recorded once
// settled. A failing window or series never stops the others.
//
// When ctx ends, no new window starts and windows in flight get the
// shutdown timeout to finish; Backfill then returns the summary with
// Stopped set. The error is non-nil only for a request that cannot run.
func (e *Engine) Backfill(ctx context.Context, req BackfillRequest) (Summary, error) {
	rg := req.Range
	if rg.Start.IsZero() {
		return Summary{}, errors.New("backfill: no start time given")
	}
	if end := e.now().Add(-e.cfg.Lag); rg.End.After(end) {
		rg.End = end
	}
	if rg.Empty() {
		return Summary{}, fmt.Errorf("backfill: nothing to do: %s to %s (ends at now minus lag %s)", req.Range.Start, rg.End, e.cfg.Lag)
	}
	if len(req.Series) == 0 {
		return Summary{}, errors.New("backfill: no series given")
	}
	r := e.newRun(ctx, true)
	var windows []pipeline.Window
	for _, s := range req.Series {
		windows = append(windows, r.planBackfill(s, rg, req.Force)...)
	}
	// Interleave the series so that no single project takes every slot.
	slices.SortStableFunc(windows, func(a, b pipeline.Window) int { return a.Start.Compare(b.Start) })
	r.planned(len(windows))
	attrs := []any{"series", len(req.Series), "windows", len(windows), "from", rg.Start, "to", rg.End, "force", req.Force}
	if e.pacer != nil {
		attrs = append(attrs, "takes_at_least", e.paceEstimate(windows).Round(time.Second).String())
	}
	e.log.Info("backfill planned", attrs...)
	r.runAll(windows)
	return r.summary(), nil
}

func (r *run) planBackfill(s pipeline.Series, rg pipeline.Range, force bool) []pipeline.Window {
	var cov pipeline.Coverage
	if !force {
		var err error
		if cov, err = r.coverage(s); err != nil {
			r.failed(s, rg, fmt.Errorf("reading coverage of %s: %w", s, err))
			return nil
		}
	}
	return backfillWindows(s, cov, rg, r.e.cfg.Window, force)
}

// Windows processes the given windows as they are (an archive import),
// with the configured concurrency and retries, and records each settled
// one when record is true and its range is not empty. Stopping works as
// for Backfill.
func (e *Engine) Windows(ctx context.Context, windows []pipeline.Window, record bool) (Summary, error) {
	r := e.newRun(ctx, record)
	r.planned(len(windows))
	r.runAll(windows)
	return r.summary(), nil
}

// paceEstimate is the least time the windows take at the source's pace:
// projects are paced apart, so the busiest one decides.
func (e *Engine) paceEstimate(windows []pipeline.Window) time.Duration {
	per := map[string]int{}
	for _, w := range windows {
		per[w.ProjectID]++
	}
	var longest time.Duration
	for _, n := range per {
		longest = max(longest, e.pacer.Estimate(n))
	}
	return longest
}
