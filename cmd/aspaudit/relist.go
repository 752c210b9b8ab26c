package main

import (
	"context"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas"
)

// listProjects lists the configured organizations (and all projects, for
// projects: all) and logs what it found.
func (f *follower) listProjects(ctx context.Context) atlas.Expansion {
	ex := f.client.ExpandProjects(ctx, f.cfg.Atlas)
	f.log.Info("projects listed", "organizations", len(f.cfg.Atlas.Organizations), "found", ex.Discovered,
		"excluded", ex.Excluded, "followed", len(ex.Projects), "failed_listings", len(ex.Failed))
	for _, err := range ex.Failed {
		f.log.Warn("listing projects failed", "err", err)
	}
	return ex
}

// relist lists the projects again every rediscoverEvery until ctx ends:
// new projects are followed, projects no longer listed (deleted, or moved
// out of the organization) are let go. When a listing fails nothing is
// let go: a project missing from a failed listing may still exist.
func (f *follower) relist(ctx context.Context) {
	t := time.NewTicker(rediscoverEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ex := f.listProjects(ctx)
		listed := map[string]bool{}
		for _, p := range ex.Projects {
			listed[p.ID] = true
			f.mu.Lock()
			_, known := f.running[p.ID]
			f.mu.Unlock()
			if !known {
				f.log.Info("new project found, following it", "project", p.ID)
				f.start(ctx, p)
			}
		}
		if len(ex.Failed) > 0 {
			continue
		}
		f.mu.Lock()
		for id, stop := range f.running {
			if !listed[id] {
				f.log.Info("project no longer listed (deleted?), stopped following it; it is followed again if it comes back", "project", id)
				stop()
				delete(f.running, id)
			}
		}
		f.mu.Unlock()
	}
}
