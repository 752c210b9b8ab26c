package main

import (
	"context"
	"errors"
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
var rediscoverEvery = time.Hour // a variable for tests

// follower runs continuous ingestion project by project, so that a project
// whose discovery fails (retried with backoff) never holds the others.
type follower struct {
	eng    *ingest.Engine
	client *atlas.Client
	cfg    configs.Config
	log    *slog.Logger
	once   bool

	mu      sync.Mutex
	total   ingest.Summary
	errs    []error
	wg      sync.WaitGroup
	running map[string]context.CancelFunc // project id -> stops following it
}

// followProjects follows every configured project until ctx ends (or for
// one pass with once) and returns the run's summary and the projects that
// could not be followed.
func followProjects(ctx context.Context, eng *ingest.Engine, client *atlas.Client, cfg configs.Config, log *slog.Logger, once bool) (ingest.Summary, []error) {
	f := &follower{eng: eng, client: client, cfg: cfg, log: log, once: once, running: map[string]context.CancelFunc{}}
	projects := cfg.Atlas.Projects
	if cfg.Atlas.Discovers() {
		ex := f.listProjects(ctx)
		for _, err := range ex.Failed {
			f.fail(err)
		}
		projects = ex.Projects
	}
	for _, p := range projects {
		f.start(ctx, p)
	}
	if cfg.Atlas.Discovers() && !once {
		f.wg.Go(func() { f.relist(ctx) })
	}
	f.wg.Wait()
	return f.total, f.errs
}

// start follows p until ctx ends or the project is let go.
func (f *follower) start(ctx context.Context, p atlas.ProjectConfig) {
	pctx, cancel := context.WithCancel(ctx)
	f.mu.Lock()
	f.running[p.ID] = cancel
	f.mu.Unlock()
	f.wg.Go(func() {
		defer cancel()
		f.project(pctx, p)
	})
}

// project discovers p's series and follows them; without once, it lists
// the workspaces again every rediscoverEvery, follows new ones too and
// stops following those no longer listed (deleted workspaces).
func (f *follower) project(ctx context.Context, p atlas.ProjectConfig) {
	series, err := f.firstSeries(ctx, p)
	if err != nil {
		f.fail(err)
		return
	}
	fl := f.eng.Follow(ctx, f.once)
	fl.Add(series...)
	if !f.once && len(p.Workspaces) == 0 {
		f.rediscover(ctx, p, fl)
	}
	sum := fl.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	addSummary(&f.total, sum)
}

// firstSeries discovers p's series; a discovered project without
// workspaces has none yet (its workspaces are listed again hourly), not an
// error.
func (f *follower) firstSeries(ctx context.Context, p atlas.ProjectConfig) ([]pipeline.Series, error) {
	if p.Discovered {
		series, err := atlas.PlanSeries(ctx, f.client, []atlas.ProjectConfig{p})
		if errors.Is(err, atlas.ErrNoWorkspaces) {
			f.log.Info("project has no stream processing workspace yet", "project", p.ID)
			return nil, nil
		}
		if err == nil {
			return series, nil
		}
	}
	return discoverProject(ctx, f.client, f.cfg, p, f.log, f.once)
}

// rediscover lists p's workspaces every rediscoverEvery until ctx ends and
// brings fl's series in line: new workspaces are followed, workspaces no
// longer listed are not. A failed listing changes nothing.
func (f *follower) rediscover(ctx context.Context, p atlas.ProjectConfig, fl *ingest.Following) {
	t := time.NewTicker(rediscoverEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		found, err := atlas.PlanSeries(ctx, f.client, []atlas.ProjectConfig{p})
		if err != nil && !errors.Is(err, atlas.ErrNoWorkspaces) {
			f.log.Warn("listing workspaces again failed; following the known ones", "project", p.ID, "err", err)
			continue
		}
		f.reconcile(p, fl, found)
		fl.Recheck() // parked series: a fixed role or access list shows now
	}
}

// reconcile follows the series of found that fl does not follow yet and
// stops following those found lacks.
func (f *follower) reconcile(p atlas.ProjectConfig, fl *ingest.Following, found []pipeline.Series) {
	followed := fl.Series()
	var added []pipeline.Series
	for _, s := range found {
		if !slices.Contains(followed, s) {
			added = append(added, s)
		}
	}
	if len(added) > 0 {
		f.log.Info("new workspaces found, following them", "project", p.ID, "series", seriesNames(added))
		fl.Add(added...)
	}
	for _, s := range followed {
		if !slices.Contains(found, s) {
			f.log.Info("workspace no longer listed (deleted?), stopped following it; it is followed again if it comes back",
				"project", p.ID, "series", s.String())
			fl.Remove(s)
		}
	}
}

func seriesNames(series []pipeline.Series) []string {
	out := make([]string, len(series))
	for i, s := range series {
		out[i] = s.String()
	}
	return out
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
