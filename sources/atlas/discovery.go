package atlas

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

const (
	pageSize = 100
	maxPages = 10000
	maxPage  = 16 << 20
)

// streamsPage is one page of GET /groups/{groupId}/streams.
type streamsPage struct {
	Results    []workspaceItem `json:"results"`
	TotalCount int             `json:"totalCount"`
}

// workspaceItem is one workspace of the listing.
type workspaceItem struct {
	Name   string `json:"name"`
	Region struct {
		Provider string `json:"cloudProvider"`
		Region   string `json:"region"`
	} `json:"dataProcessRegion"`
}

// Workspaces returns the names of every stream processing workspace of the
// project, reading all pages. Each page is retried with Config.Retry, so
// the error, if any, is final: permanent for answers that will not change,
// else the last failure once the retry budget is spent or ctx ended.
func (c *Client) Workspaces(ctx context.Context, projectID string) ([]string, error) {
	call := "listing the workspaces of project " + projectID
	if err := CheckProjectID(projectID); err != nil {
		return nil, pipeline.Permanent(fmt.Errorf("%s: %w", call, err))
	}
	items, err := listPages(ctx, c, call, []any{"project", projectID}, func(ctx context.Context, page int) ([]workspaceItem, int, error) {
		p, err := c.streamsPage(ctx, projectID, page, call)
		return p.Results, p.TotalCount, err
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(items))
	for _, r := range items {
		names = append(names, r.Name)
		c.places.record(projectID, r.Name, pipeline.Place{Provider: r.Region.Provider, Region: r.Region.Region})
	}
	return names, nil
}

// listPages reads every page of a paginated Atlas listing (itemsPerPage,
// pageNum, totalCount): fetch gets page n, counted from 1. Each page is
// retried with Config.Retry, so the error, if any, is final: permanent for
// answers that will not change, else the last failure once the retry
// budget is spent or ctx ended.
func listPages[T any](ctx context.Context, c *Client, call string, logArgs []any, fetch func(ctx context.Context, page int) ([]T, int, error)) ([]T, error) {
	var out []T
	for page := 1; page <= maxPages; page++ {
		var items []T
		var total int
		err := c.cfg.Retry.Do(ctx, func(ctx context.Context) error {
			var err error
			items, total, err = fetch(ctx, page)
			return err
		}, func(attempt int, err error, wait time.Duration) {
			c.log.Warn(call+" failed, retrying", append(logArgs, "attempt", attempt, "wait", wait, "error", err)...)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if len(items) == 0 || len(out) >= total {
			return out, nil
		}
	}
	return nil, fmt.Errorf("%s: more than %d pages", call, maxPages)
}

func (c *Client) streamsPage(ctx context.Context, projectID string, page int, call string) (streamsPage, error) {
	var p streamsPage
	if err := c.Ready(ctx, projectID); err != nil {
		return p, fmt.Errorf("%s (page %d): %w", call, page, err)
	}
	if err := c.slots.acquire(ctx); err != nil {
		return p, err
	}
	defer c.slots.release()
	q := url.Values{"itemsPerPage": {strconv.Itoa(pageSize)}, "pageNum": {strconv.Itoa(page)}}
	info := c.info
	info.project = projectID
	info.apiVersion = c.cfg.DiscoveryAPIVersion
	resp, err := c.do(ctx, request{
		endpoint: "streams",
		call:     fmt.Sprintf("%s (page %d)", call, page),
		url:      c.cfg.BaseURL + "/api/atlas/v2/groups/" + projectID + "/streams?" + q.Encode(),
		accept:   "application/vnd.atlas." + c.cfg.DiscoveryAPIVersion + "+json",
		info:     info,
	})
	if err != nil {
		return p, err
	}
	defer resp.body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.body, maxPage)).Decode(&p); err != nil {
		return p, fmt.Errorf("%s (page %d): reading the answer: %w", call, page, err)
	}
	return p, nil
}
