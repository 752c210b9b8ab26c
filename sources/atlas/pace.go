package atlas

import (
	"context"
	"time"
)

// Ready blocks until a request to the project could leave now under its
// rate limit (see Bucket), without spending it; it returns early only
// with ctx's error. Callers that hold scarce resources per request (the
// engine's window slots) wait here first, so that a project paced or held
// after a 429 does not keep those resources from the other projects.
func (c *Client) Ready(ctx context.Context, projectID string) error {
	return c.gates.get(projectID).ready(ctx)
}

// Estimate returns how long requests to one project take at least at the
// configured bucket's pace (see Bucket.Estimate), for plans to announce.
func (c *Client) Estimate(requests int) time.Duration {
	return c.cfg.Bucket.Estimate(requests)
}
