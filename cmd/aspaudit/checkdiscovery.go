package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// checkDiscovery lists the configured organizations (and all projects,
// for projects: all), reporting how many projects were found and each
// listing that failed; it returns the projects to check.
func (c *checker) checkDiscovery(ctx context.Context, client *atlas.Client, cfg configs.Config) []atlas.ProjectConfig {
	if !cfg.Atlas.Discovers() {
		return cfg.Atlas.Projects
	}
	ex := client.ExpandProjects(ctx, cfg.Atlas)
	for _, err := range ex.Failed {
		c.Problem("%v (listing an organization's projects needs an organization role such as Organization Member or Organization Read Only)", err)
	}
	c.OK("atlas: %d project(s) discovered, %d excluded, %d to follow (%d listed in atlas.projects)",
		ex.Discovered, ex.Excluded, len(ex.Projects), len(ex.Projects)-ex.Discovered+ex.Excluded)
	return ex.Projects
}

// workspacesProblem says why a project's workspaces could not be listed;
// a project Atlas lists but whose workspaces are forbidden names the role
// needed.
func workspacesProblem(err error, p atlas.ProjectConfig) string {
	var apiErr *atlas.APIError
	if p.Discovered && errors.As(err, &apiErr) && apiErr.Status == 403 {
		return fmt.Sprintf("listed, but its workspaces are forbidden (%s): give the credentials Project Read Only to list them and a Project Data Access or Project Stream Processing Owner role to download their logs", apiErr.ErrorCode)
	}
	return err.Error()
}
