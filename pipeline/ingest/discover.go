package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// ErrNoSeries is what a SeriesLister returns, wrapped (see NoSeries), when
// its group has no series now: an Atlas project without a workspace.
var ErrNoSeries = errors.New("no series")

// NoSeries marks err as meaning that the group has no series now; its
// text stays err's.
func NoSeries(err error) error { return noSeries{err} }

type noSeries struct{ error }

func (e noSeries) Unwrap() []error { return []error{e.error, ErrNoSeries} }

// SeriesLister says which series of a group exist now. The Atlas source
// lists a project's workspaces (and log types); another lister plugs in
// the same way.
type SeriesLister interface {
	ListSeries(ctx context.Context) ([]pipeline.Series, error)
}

// ListerFunc is a SeriesLister written as a function.
type ListerFunc func(ctx context.Context) ([]pipeline.Series, error)

// ListSeries calls f.
func (f ListerFunc) ListSeries(ctx context.Context) ([]pipeline.Series, error) { return f(ctx) }

// Group is a set of series discovered together, such as the workspaces of
// one Atlas project. A group whose listing fails never holds the others.
type Group struct {
	// ID names the group in logs and errors (a project id).
	ID string
	// Lister lists the group's series.
	Lister SeriesLister
	// Fixed groups are listed once: their series are configured, so a
	// later listing would find the same.
	Fixed bool
	// MayBeEmpty groups (found by listing, not configured) have no series
	// yet rather than fail when their lister says ErrNoSeries.
	MayBeEmpty bool
}

// Discovery says how groups and their series are listed.
type Discovery struct {
	// Noun names a group in logs and errors ("project").
	Noun string
	// Retry paces retries of a group's first listing. Following without
	// once retries until ctx ends, whatever its budget.
	Retry retry.Policy
	// Every is how often Follow lists groups and series again; 0 never.
	Every time.Duration
}

func (d Discovery) noun() string {
	if d.Noun == "" {
		return "group"
	}
	return d.Noun
}

// firstList lists g's series at its start, with d's retries (until ctx
// ends when untilCanceled).
func (e *Engine) firstList(ctx context.Context, g Group, d Discovery, untilCanceled bool) ([]pipeline.Series, error) {
	policy := d.Retry
	if untilCanceled {
		policy.Budget, policy.MaxAttempts = 0, 0
	}
	var series []pipeline.Series
	err := policy.Do(ctx, func(ctx context.Context) error {
		var err error
		series, err = g.Lister.ListSeries(ctx)
		if g.MayBeEmpty && errors.Is(err, ErrNoSeries) {
			series, err = nil, nil
		}
		return err
	}, func(attempt int, err error, wait time.Duration) {
		e.log.Warn("series discovery failed, retrying", d.noun(), g.ID, "attempt", attempt, "wait", wait, "err", err)
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", d.noun(), g.ID, err)
	}
	e.log.Info("series found", d.noun(), g.ID, "series", len(series))
	return series, nil
}

// Discover lists the series of every group once, one group after the
// other, and returns the series found and one error per group that could
// not be listed.
func (e *Engine) Discover(ctx context.Context, groups []Group, d Discovery) ([]pipeline.Series, []error) {
	var all []pipeline.Series
	var errs []error
	for _, g := range groups {
		series, err := e.firstList(ctx, g, d, false)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, series...)
	}
	return all, errs
}
