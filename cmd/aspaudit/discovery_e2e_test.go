package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestOrganizationCheckAndBackfill: with atlas.organizations, check counts
// the projects and workspaces found and names the project whose
// workspaces are forbidden with the role needed; backfill fetches the
// workspaces of the organization's projects (a project without any is
// no failure), skipping excluded ones.
func TestOrganizationCheckAndBackfill(t *testing.T) {
	t.Parallel()
	binary(t)
	const (
		org       = "6a0000000000000000000001"
		empty     = "5f0000000000000000000002"
		forbidden = "5f0000000000000000000003"
		skipped   = "5f0000000000000000000004"
	)
	fake := newFakeAtlas(t, atlastest.Config{})
	from, to := backfillFrom, backfillFrom.Add(24*time.Hour)
	srv := serveGenerated(fake, 5, from, to, 50)
	fake.AddOrgProject(org, e2eProject, "team-main")
	fake.AddOrgProject(org, empty, "team-empty")
	fake.AddOrgProject(org, forbidden, "team-locked")
	fake.AddOrgProject(org, skipped, "sandbox-1")
	fake.AddWorkspace(forbidden, "ws", nil)
	fake.AddWorkspace(skipped, "ws", atlastest.GenerateLines(9, from, to, 10))
	fake.Inject(atlastest.Rule{Endpoint: "streams", Project: forbidden, Status: 403, ErrorCode: "ACCESS_FORBIDDEN", Detail: "Forbidden."})
	tg := fileTarget(t)
	e := fake.env(serviceAccountCLIVars).with(envPairs(tg.env)...)
	delete(e, "ASPAUDIT_ATLAS__PROJECTS")
	cfg := writeConfig(t, "atlas:\n  organizations: [{id: "+org+"}]\n  exclude: [\"sandbox-*\"]\n")

	r := aspaudit(t, e, "check", "--config", cfg)
	mustExit(t, r, exitIncomplete, "check of an organization with a forbidden project")
	for _, want := range []string{
		"4 project(s) discovered, 1 excluded, 3 to follow",
		"project " + forbidden + ": listed, but its workspaces are forbidden (ACCESS_FORBIDDEN): give the credentials Project Read Only",
		"project " + empty + ": authenticated, no stream processing workspace",
		"3 project(s) followed, 2 workspace(s) found",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stderr)
		}
	}

	fake.ClearRules()
	fake.RemoveProject(forbidden)
	r = aspaudit(t, e, "backfill", "--config", cfg, "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--report", "json")
	mustExit(t, r, exitOK, "backfill of an organization")
	idDiff(t, "after the organization's backfill", srv.ids(nil), tg.stored(t))
	for _, req := range fake.Requests() {
		if req.Project == skipped && req.Endpoint != "orgGroups" {
			t.Errorf("an excluded project was asked for: %s %s", req.Endpoint, req.Path)
		}
	}
}
