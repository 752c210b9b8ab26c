package atlas

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Project is one project of a project listing.
type Project struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	OrgID string `json:"orgId"`
}

// projectsPage is one page of GET /orgs/{orgId}/groups or GET /groups.
type projectsPage struct {
	Results    []Project `json:"results"`
	TotalCount int       `json:"totalCount"`
}

// Projects lists the projects of an organisation (GET
// /orgs/{orgId}/groups), or with an empty orgID every project the
// credentials can see (GET /groups), reading all pages. Each page is
// retried with Config.Retry, so the error, if any, is final. The listings
// are not Streams endpoints: they draw from no project's bucket.
func (c *Client) Projects(ctx context.Context, orgID string) ([]Project, error) {
	call, path := "listing every project the credentials can see", "/api/atlas/v2/groups"
	if orgID != "" {
		call, path = "listing the projects of organization "+orgID, "/api/atlas/v2/orgs/"+orgID+"/groups"
		if err := CheckOrgID(orgID); err != nil {
			return nil, pipeline.Permanent(fmt.Errorf("%s: %w", call, err))
		}
	}
	return listPages(ctx, c, call, []any{"organization", orgID}, func(ctx context.Context, page int) ([]Project, int, error) {
		p, err := c.projectsPage(ctx, path, page, call)
		return p.Results, p.TotalCount, err
	})
}

func (c *Client) projectsPage(ctx context.Context, path string, page int, call string) (projectsPage, error) {
	var p projectsPage
	if err := c.slots.acquire(ctx); err != nil {
		return p, err
	}
	defer c.slots.release()
	q := url.Values{"itemsPerPage": {strconv.Itoa(pageSize)}, "pageNum": {strconv.Itoa(page)}}
	info := c.info
	info.apiVersion = c.cfg.DiscoveryAPIVersion
	resp, err := c.do(ctx, request{
		endpoint: "projects",
		call:     fmt.Sprintf("%s (page %d)", call, page),
		url:      c.cfg.BaseURL + path + "?" + q.Encode(),
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

// CheckOrgID reports whether id is an Atlas organization id (24 lowercase
// hex digits, like a project id).
func CheckOrgID(id string) error {
	if !groupIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not an Atlas organization id (24 lowercase hex digits)", id)
	}
	return nil
}
