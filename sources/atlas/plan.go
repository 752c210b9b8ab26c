package atlas

import (
	"context"
	"errors"
	"fmt"

	"github.com/aspaudit/aspaudit/pipeline"
)

// ErrNoWorkspaces is the cause (see errors.Is) of PlanSeries' error for a
// project listed without workspaces that has none.
var ErrNoWorkspaces = errors.New("it has no stream processing workspace")

// PlanSeries returns the series to fetch for projects: for each project its
// configured workspaces, or every workspace lister finds when none is
// configured; each workspace once, or once per configured processor. A
// project whose discovery finds no workspace is an error naming it, as is
// an empty project list.
//
// Each workspace is planned once per log type of the project (its
// LogTypes, else the audit log alone; Config.Resolve fills them from
// atlas.log_types).
func PlanSeries(ctx context.Context, lister pipeline.WorkspaceLister, projects []ProjectConfig) ([]pipeline.Series, error) {
	if len(projects) == 0 {
		return nil, errors.New("planning: no Atlas project is configured (atlas.projects)")
	}
	var out []pipeline.Series
	for _, p := range projects {
		workspaces := p.Workspaces
		if len(workspaces) == 0 {
			found, err := lister.Workspaces(ctx, p.ID)
			if err != nil {
				return nil, fmt.Errorf("planning project %s: %w", p.ID, err)
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("planning project %s: %w", p.ID, ErrNoWorkspaces)
			}
			workspaces = found
		}
		out = append(out, seriesOf(p, workspaces)...)
	}
	return out, nil
}

func seriesOf(p ProjectConfig, workspaces []string) []pipeline.Series {
	var out []pipeline.Series
	for _, lt := range p.Logs(nil) {
		for _, ws := range workspaces {
			if len(p.Processors) == 0 {
				out = append(out, pipeline.Series{ProjectID: p.ID, Workspace: ws, LogType: lt})
				continue
			}
			for _, proc := range p.Processors {
				out = append(out, pipeline.Series{ProjectID: p.ID, Workspace: ws, Processor: proc, LogType: lt})
			}
		}
	}
	return out
}
