package atlas

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestProbeProvesTheDownloadRole probes four projects, each request once:
// one whose role lists and downloads, one whose role lists but may not
// download (403), one Atlas does not know (404), one whose listing
// answers 503 (not retried).
func TestProbeProvesTheDownloadRole(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	const (
		listOnly = "aaaaaaaaaaaaaaaaaaaaaaaa"
		unknown  = "bbbbbbbbbbbbbbbbbbbbbbbb"
		flaky    = "cccccccccccccccccccccccc"
	)
	srv.AddWorkspace(testProject, "prod", nil)
	srv.AddWorkspace(testProject, "staging", nil)
	srv.AddWorkspace(listOnly, "ws", nil)
	srv.AddWorkspace(flaky, "ws", nil)
	srv.Inject(atlastest.Rule{Endpoint: "auditLogs", Project: listOnly, Status: http.StatusForbidden, ErrorCode: "ACCESS_FORBIDDEN"})
	srv.Inject(atlastest.Rule{Endpoint: "streams", Project: flaky, Status: http.StatusServiceUnavailable})
	cfg := serviceAccount(srv.URL)
	cfg.Retry.MaxAttempts = 5 // ForProbes must bring it back to one
	c := newClient(t, cfg.ForProbes(), Options{})

	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	got := c.Probe(context.Background(), []ProjectConfig{
		{ID: testProject, Workspaces: []string{"nope", "staging"}}, {ID: listOnly}, {ID: unknown}, {ID: flaky},
	}, now)

	if r := got[0]; r.ListErr != nil || r.Downloaded != "staging" || r.DownloadErr != nil {
		t.Errorf("healthy project: %+v", r)
	}
	if r := got[1]; r.ListErr != nil || r.Downloaded != "ws" || r.DownloadErr == nil ||
		!strings.Contains(r.DownloadErr.Error(), "needs a role on project "+listOnly+" that may read stream processing audit logs") {
		t.Errorf("list-only role: %+v", r)
	}
	if r := got[2]; r.ListErr == nil || !strings.Contains(r.ListErr.Error(), "404 GROUP_NOT_FOUND") || r.Downloaded != "" {
		t.Errorf("unknown project: %+v", r)
	}
	if r := got[3]; r.ListErr == nil || !strings.Contains(r.ListErr.Error(), "503") {
		t.Errorf("flaky listing: %+v", r)
	}
	asked := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Authenticated && r.Endpoint != "token" {
			asked[r.Endpoint+" "+r.Project]++
			if r.Endpoint == "auditLogs" && (r.Query.Get("endDate") != "1795172400" || r.Query.Get("startDate") != "1795172399") {
				t.Errorf("download of %s..%s, want the second before an hour ago", r.Query.Get("startDate"), r.Query.Get("endDate"))
			}
		}
	}
	want := map[string]int{"streams " + testProject: 1, "auditLogs " + testProject: 1, "streams " + listOnly: 1, "auditLogs " + listOnly: 1,
		"streams " + unknown: 1, "streams " + flaky: 1}
	for k, n := range want {
		if asked[k] != n {
			t.Errorf("%s asked %d times, want %d (all: %v)", k, asked[k], n, asked)
		}
	}
	if len(asked) != len(want) {
		t.Errorf("requests %v, want %v", asked, want)
	}
}
