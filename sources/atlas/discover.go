package atlas

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
)

// Discovers reports whether the configuration lists projects by
// organization or asks for all of them, so that the project list comes
// from Atlas (ExpandProjects).
func (c Config) Discovers() bool {
	return len(c.Organizations) > 0 || slices.ContainsFunc(c.Projects, func(p ProjectConfig) bool { return p.ID == AllProjects })
}

// validateDiscovery checks organizations and exclude.
func (c Config) validateDiscovery() error {
	var errs []error
	seen := map[string]bool{}
	for i, o := range c.Organizations {
		key := fmt.Sprintf("organizations[%d].id", i)
		if err := CheckOrgID(o.ID); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
		if seen[o.ID] {
			errs = append(errs, fmt.Errorf("%s: organization %s is listed twice", key, o.ID))
		}
		seen[o.ID] = true
	}
	for i, pat := range c.Exclude {
		if _, err := path.Match(pat, ""); err != nil || pat == "" {
			errs = append(errs, fmt.Errorf("exclude[%d]: %q is neither a project id nor a valid name pattern", i, pat))
		}
	}
	return errors.Join(errs...)
}

// Expansion is the project list discovery found.
type Expansion struct {
	// Projects are the listed projects (with their own settings) and the
	// discovered ones not excluded, each once.
	Projects []ProjectConfig
	// Discovered counts the projects the listings returned, Excluded those
	// exclude skipped.
	Discovered, Excluded int
	// Failed holds one error per listing that failed (an organization the
	// credentials may not read, say); the other listings still count.
	Failed []error
}

// ExpandProjects returns cfg's projects with every project of its
// organizations and, for "all", every project the credentials can see;
// listed entries win, excluded ones are skipped, each project comes once,
// and discovered projects take atlas.log_types. Without discovery it
// returns the listed projects unchanged.
func (c *Client) ExpandProjects(ctx context.Context, cfg Config) Expansion {
	var ex Expansion
	listed := map[string]bool{}
	all := false
	for _, p := range cfg.Projects {
		if p.ID == AllProjects {
			all = true
			continue
		}
		listed[p.ID] = true
		ex.Projects = append(ex.Projects, p)
	}
	sources := make([]string, 0, len(cfg.Organizations)+1)
	for _, o := range cfg.Organizations {
		sources = append(sources, o.ID)
	}
	if all {
		sources = append(sources, "")
	}
	for _, org := range sources {
		found, err := c.Projects(ctx, org)
		if err != nil {
			ex.Failed = append(ex.Failed, err)
			continue
		}
		for _, p := range found {
			if listed[p.ID] || CheckProjectID(p.ID) != nil {
				continue
			}
			listed[p.ID] = true
			ex.Discovered++
			if excluded(cfg.Exclude, p) {
				ex.Excluded++
				continue
			}
			ex.Projects = append(ex.Projects, ProjectConfig{ID: p.ID, Discovered: true}.withLogTypes(cfg.LogTypes))
		}
	}
	return ex
}

// excluded reports whether exclude names p by id or name pattern.
func excluded(exclude []string, p Project) bool {
	for _, pat := range exclude {
		if pat == p.ID {
			return true
		}
		if ok, _ := path.Match(pat, p.Name); ok {
			return true
		}
	}
	return false
}
