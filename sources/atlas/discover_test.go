package atlas

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestExpandProjects(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	const org = "6a0000000000000000000001"
	ids := []string{"5f0000000000000000000001", "5f0000000000000000000002", "5f0000000000000000000003", "5f0000000000000000000004"}
	for i, name := range []string{"team-a", "sandbox-x", "team-b", "team-c"} {
		srv.AddOrgProject(org, ids[i], name)
	}
	srv.AddWorkspace(testProject, "ws", nil) // in no organization
	cfg := serviceAccount(srv.URL)
	cfg.LogTypes = []string{"audit", "operational"}
	cfg.Organizations = []OrgConfig{{ID: org}}
	cfg.Exclude = []string{"sandbox-*", ids[3]}
	cfg.Projects = []ProjectConfig{{ID: ids[0], Workspaces: []string{"only"}, LogTypes: []string{"audit"}}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, cfg, Options{})

	ex := c.ExpandProjects(context.Background(), cfg)
	if len(ex.Failed) != 0 || ex.Discovered != 3 || ex.Excluded != 2 {
		t.Fatalf("expansion %+v", ex)
	}
	want := []ProjectConfig{
		{ID: ids[0], Workspaces: []string{"only"}, LogTypes: []string{"audit"}},
		{ID: ids[2], LogTypes: []string{"audit", "operational"}, Discovered: true},
	}
	if len(ex.Projects) != 2 || !slices.Equal(ex.Projects[0].Workspaces, want[0].Workspaces) || !slices.Equal(ex.Projects[0].LogTypes, want[0].LogTypes) ||
		ex.Projects[0].Discovered || ex.Projects[1].ID != ids[2] || !ex.Projects[1].Discovered || !slices.Equal(ex.Projects[1].LogTypes, want[1].LogTypes) {
		t.Fatalf("projects %+v, want %+v", ex.Projects, want)
	}

	// projects: all sees the project outside the organization too; an
	// organization the credentials may not read fails alone.
	cfg.Projects = []ProjectConfig{{ID: AllProjects}}
	cfg.Organizations = []OrgConfig{{ID: org}, {ID: "6a00000000000000000000ff"}}
	srv.Inject(atlastest.Rule{Endpoint: "orgGroups", Project: "6a00000000000000000000ff", Status: 403, ErrorCode: "ACCESS_FORBIDDEN", Detail: "Forbidden."})
	ex = c.ExpandProjects(context.Background(), cfg)
	if len(ex.Failed) != 1 || !strings.Contains(ex.Failed[0].Error(), "6a00000000000000000000ff") {
		t.Fatalf("failures %v", ex.Failed)
	}
	got := []string{}
	for _, p := range ex.Projects {
		got = append(got, p.ID)
	}
	if !slices.Equal(got, []string{ids[0], ids[2], testProject}) {
		t.Fatalf("projects %v", got)
	}
}

func TestDiscoveryConfigValidated(t *testing.T) {
	cfg := NewDefaultConfig()
	cfg.Organizations = []OrgConfig{{ID: "nope"}, {ID: "6a0000000000000000000001"}, {ID: "6a0000000000000000000001"}}
	cfg.Exclude = []string{"[bad"}
	cfg.Projects = []ProjectConfig{{ID: AllProjects}}
	err := cfg.Validate()
	for _, want := range []string{`organizations[0].id: "nope" is not an Atlas organization id`, "organizations[2].id: organization 6a0000000000000000000001 is listed twice", `exclude[0]: "[bad"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "projects[0]") {
		t.Fatalf("projects: all refused: %v", err)
	}
	if !cfg.Discovers() || NewDefaultConfig().Discovers() {
		t.Fatal("Discovers")
	}
}
