package atlas

import (
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.Locator = (*Client)(nil)

// places remembers where each listed workspace runs. The zero value is
// ready to use.
type places struct {
	mu sync.RWMutex
	m  map[placeKey]pipeline.Place
}

type placeKey struct{ project, workspace string }

func (p *places) record(project, workspace string, pl pipeline.Place) {
	if pl == (pipeline.Place{}) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[placeKey]pipeline.Place{}
	}
	p.m[placeKey{project, workspace}] = pl
}

// Place returns where a workspace runs, as its project's listing said
// (dataProcessRegion). Workspaces are listed when aspaudit discovers them:
// for workspaces named in the configuration the place stays unknown.
func (c *Client) Place(projectID, workspace string) (pipeline.Place, bool) {
	c.places.mu.RLock()
	defer c.places.mu.RUnlock()
	pl, ok := c.places.m[placeKey{projectID, workspace}]
	return pl, ok
}
