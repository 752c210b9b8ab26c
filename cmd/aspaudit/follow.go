package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// rediscoverEvery is how often `run` lists the organisations' projects and
// the workspaces of projects configured without a workspace list, to
// follow new ones too.
var rediscoverEvery = time.Hour // a variable for tests

// discovery is how projects and their workspaces are listed.
func discovery(cfg configs.Config) ingest.Discovery {
	return ingest.Discovery{Noun: "project", Retry: cfg.Atlas.Retry, Every: rediscoverEvery}
}

// projectGroups makes each project a discovery group: its series are its
// workspaces (and log types), as atlas.PlanSeries lists them.
func projectGroups(client *atlas.Client, projects []atlas.ProjectConfig) []ingest.Group {
	out := make([]ingest.Group, 0, len(projects))
	for _, p := range projects {
		out = append(out, ingest.Group{
			ID:         p.ID,
			Fixed:      len(p.Workspaces) > 0,
			MayBeEmpty: p.Discovered, // listed again hourly, workspaces may come
			Lister: ingest.ListerFunc(func(ctx context.Context) ([]pipeline.Series, error) {
				series, err := atlas.PlanSeries(ctx, client, []atlas.ProjectConfig{p})
				if errors.Is(err, atlas.ErrNoWorkspaces) {
					return nil, ingest.NoSeries(err)
				}
				return series, err
			}),
		})
	}
	return out
}

// organizationProjects lists the configured organisations' projects
// (atlas.organizations, or every project) as groups, and logs what it
// found.
type organizationProjects struct {
	client *atlas.Client
	cfg    configs.Config
	log    *slog.Logger
}

func (o organizationProjects) ListGroups(ctx context.Context) ([]ingest.Group, []error) {
	ex := o.client.ExpandProjects(ctx, o.cfg.Atlas)
	o.log.Info("projects listed", "organizations", len(o.cfg.Atlas.Organizations), "found", ex.Discovered,
		"excluded", ex.Excluded, "followed", len(ex.Projects), "failed_listings", len(ex.Failed))
	for _, err := range ex.Failed {
		o.log.Warn("listing projects failed", "err", err)
	}
	return projectGroups(o.client, ex.Projects), ex.Failed
}

// followProjects follows every configured (or listed) project until ctx
// ends, or for one pass with once, and returns the run's summary and the
// projects or listings that failed. With share, it follows only the
// projects whose lease it holds (see ingest.FollowShared).
func followProjects(ctx context.Context, eng *ingest.Engine, client *atlas.Client, cfg configs.Config, log *slog.Logger, once bool, share *ingest.Sharing) (ingest.Summary, []error) {
	var groups ingest.GroupLister = ingest.FixedGroups(projectGroups(client, cfg.Atlas.Projects))
	if cfg.Atlas.Discovers() {
		groups = organizationProjects{client: client, cfg: cfg, log: log}
	}
	if share != nil && !once {
		return eng.FollowShared(ctx, groups, discovery(cfg), *share)
	}
	return eng.FollowGroups(ctx, groups, discovery(cfg), once)
}
