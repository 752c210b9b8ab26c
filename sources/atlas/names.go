package atlas

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
)

// CheckNames verifies, before any download, that the workspaces named in
// projects exist: for each project that lists workspaces it reads the
// project's workspace list once (a project Atlas does not know fails
// there, with its hint) and reports every name not in it, with the names
// that are. Projects listed without workspaces are left to discovery. The
// error joins one problem per project; permanent problems are
// pipeline.Permanent.
func CheckNames(ctx context.Context, lister pipeline.WorkspaceLister, projects []ProjectConfig) error {
	var errs []error
	for _, p := range projects {
		if len(p.Workspaces) == 0 {
			continue
		}
		found, err := lister.Workspaces(ctx, p.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("project %s: %w", p.ID, err))
			continue
		}
		var unknown []string
		for _, w := range p.Workspaces {
			if !slices.Contains(found, w) {
				unknown = append(unknown, fmt.Sprintf("%q", w))
			}
		}
		if len(unknown) > 0 {
			errs = append(errs, pipeline.Permanent(fmt.Errorf("project %s has no workspace %s (names are case-sensitive); its workspaces: %s",
				p.ID, strings.Join(unknown, ", "), knownNames(found))))
		}
	}
	return errors.Join(errs...)
}

func knownNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
