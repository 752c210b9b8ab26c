package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// rediscoverEvery is how often `run` lists the workspaces of projects
// configured without a workspace list, to follow new workspaces too.
const rediscoverEvery = time.Hour

// follower runs continuous ingestion project by project, so that a project
// whose discovery fails (retried with backoff) never holds the others.
type follower struct {
	eng    *ingest.Engine
	client *atlas.Client
	cfg    configs.Config
	log    *slog.Logger
	once   bool

	mu    sync.Mutex
	total ingest.Summary
	errs  []error
	wg    sync.WaitGroup
}

// followProjects follows every configured project until ctx ends (or for
// one pass with once) and returns the run's summary and the projects that
// could not be followed.
func followProjects(ctx context.Context, eng *ingest.Engine, client *atlas.Client, cfg configs.Config, log *slog.Logger, once bool) (ingest.Summary, []error) {
	f := &follower{eng: eng, client: client, cfg: cfg, log: log, once: once}
	for _, p := range cfg.Atlas.Projects {
		f.wg.Go(func() { f.project(ctx, p) })
	}
	f.wg.Wait()
	return f.total, f.errs
}

// project discovers p's series and follows them; without once, it lists
// the workspaces again every rediscoverEvery and follows new ones too.
func (f *follower) project(ctx context.Context, p atlas.ProjectConfig) {
	series, err := discoverProject(ctx, f.client, f.cfg, p, f.log, f.once)
	if err != nil {
		f.fail(err)
		return
	}
	f.follow(ctx, p, series)
	if f.once || len(p.Workspaces) > 0 {
		return
	}
	known := series
	t := time.NewTicker(rediscoverEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		found, err := atlas.PlanSeries(ctx, f.client, []atlas.ProjectConfig{p})
		if err != nil {
			f.log.Warn("listing workspaces again failed; following the known ones", "project", p.ID, "err", err)
			continue
		}
		var added []pipeline.Series
		for _, s := range found {
			if !slices.Contains(known, s) {
				added = append(added, s)
			}
		}
		if len(added) > 0 {
			f.log.Info("new workspaces found, following them", "project", p.ID, "series", len(added))
			known = append(known, added...)
			f.follow(ctx, p, added)
		}
	}
}

// follow runs the engine's continuous mode for series in the background.
func (f *follower) follow(ctx context.Context, p atlas.ProjectConfig, series []pipeline.Series) {
	f.wg.Go(func() {
		sum, err := f.eng.Continuous(ctx, series, f.once)
		f.mu.Lock()
		defer f.mu.Unlock()
		addSummary(&f.total, sum)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("project %s: %w", p.ID, err))
		}
	})
}

func (f *follower) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, err)
}

// addSummary accumulates one project's summary into the run's.
func addSummary(total *ingest.Summary, s ingest.Summary) {
	total.Planned += s.Planned
	total.Done += s.Done
	total.Failed += s.Failed
	total.Canceled += s.Canceled
	total.Stats.Add(s.Stats)
	if s.Elapsed > total.Elapsed {
		total.Elapsed = s.Elapsed
	}
	total.Failures = append(total.Failures, s.Failures...)
	total.Stopped = total.Stopped || s.Stopped
}
