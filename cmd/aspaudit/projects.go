package main

import (
	"context"
	"log/slog"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// expandProjects replaces atlas.projects' "all" entry and atlas.organizations
// by the projects Atlas lists (listed entries win, exclude skips), once. It
// returns one error per listing that failed; the projects of the others are
// followed.
func expandProjects(ctx context.Context, client *atlas.Client, cfg *configs.Config, log *slog.Logger) []error {
	if !cfg.Atlas.Discovers() {
		return nil
	}
	ex := client.ExpandProjects(ctx, cfg.Atlas)
	cfg.Atlas.Projects = ex.Projects
	log.Info("projects discovered", "organizations", len(cfg.Atlas.Organizations), "found", ex.Discovered, "excluded", ex.Excluded, "followed", len(ex.Projects), "failed_listings", len(ex.Failed))
	return ex.Failed
}
