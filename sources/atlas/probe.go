package atlas

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Probe timeouts: a check answers in seconds, whatever is unreachable.
const (
	probeConnect = 5 * time.Second
	probeAnswer  = 10 * time.Second
)

// ForProbes returns c for a client that checks rather than works: one
// attempt per request (no retry, no backoff) and short timeouts, so that
// an unreachable Atlas is reported within seconds.
func (c Config) ForProbes() Config {
	c.Retry.MaxAttempts, c.Retry.Budget = 1, 0
	c.Timeouts = Timeouts{Connect: probeConnect, TLSHandshake: probeConnect, ResponseHeader: probeAnswer, IdleRead: probeAnswer}
	return c
}

// ProjectProbe is what Probe found about one project.
type ProjectProbe struct {
	ProjectID  string
	Workspaces []string // found by listing
	ListErr    error    // the listing failed: nothing else was tried
	// Downloaded names the workspace whose one-second window was fetched;
	// empty when the project has none to try.
	Downloaded  string
	DownloadErr error
}

// Probe checks every project at once: it lists the project's workspaces
// and downloads a one-second window of the audit log, an hour ago, of one
// workspace (the first configured that exists, else the first found),
// because a role may allow the listing and still refuse every download.
// It makes each request once; use a client built with Config.ForProbes to
// keep it short, and bound ctx. Results follow the order of projects.
func (c *Client) Probe(ctx context.Context, projects []ProjectConfig, now time.Time) []ProjectProbe {
	out := make([]ProjectProbe, len(projects))
	var wg sync.WaitGroup
	for i, p := range projects {
		wg.Go(func() { out[i] = c.probeProject(ctx, p, now) })
	}
	wg.Wait()
	return out
}

func (c *Client) probeProject(ctx context.Context, p ProjectConfig, now time.Time) ProjectProbe {
	r := ProjectProbe{ProjectID: p.ID}
	r.Workspaces, r.ListErr = c.Workspaces(ctx, p.ID)
	if r.ListErr != nil {
		return r
	}
	for _, w := range append(slices.Clone(p.Workspaces), r.Workspaces...) {
		if slices.Contains(r.Workspaces, w) {
			r.Downloaded = w
			break
		}
	}
	if r.Downloaded == "" {
		return r
	}
	end := now.Add(-time.Hour).Truncate(time.Second)
	w := pipeline.Window{Series: pipeline.Series{ProjectID: p.ID, Workspace: r.Downloaded}, Start: end.Add(-time.Second), End: end}
	r.DownloadErr = c.download(ctx, w)
	return r
}

// download fetches w and reads it to the end.
func (c *Client) download(ctx context.Context, w pipeline.Window) error {
	rc, err := c.Fetch(ctx, w)
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return fmt.Errorf("reading the answer: %w", err)
	}
	return nil
}
