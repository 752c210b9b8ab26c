package atlas

import (
	"context"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestCheckNamesListsTheKnownOnes(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspace(testProject, "prod", nil)
	srv.AddWorkspace(testProject, "staging", nil)
	missing := "eeeeeeeeeeeeeeeeeeeeeeee"
	c := newClient(t, serviceAccount(srv.URL), Options{})
	err := CheckNames(context.Background(), c, []ProjectConfig{
		{ID: testProject, Workspaces: []string{"prod", "ws-nope", "Staging"}},
		{ID: missing, Workspaces: []string{"x"}},
		{ID: "ffffffffffffffffffffffff"}, // left to discovery: never asked
	})
	if err == nil || !pipeline.IsPermanent(err) {
		t.Fatalf("got %v, want a permanent error", err)
	}
	for _, want := range []string{
		`project ` + testProject + ` has no workspace "ws-nope", "Staging" (names are case-sensitive); its workspaces: prod, staging`,
		"project " + missing + ": ", "404 GROUP_NOT_FOUND",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), `"prod"`) {
		t.Errorf("an existing workspace reported: %v", err)
	}
	for _, r := range srv.Requests() {
		if r.Project == "ffffffffffffffffffffffff" || r.Endpoint == "auditLogs" {
			t.Errorf("unexpected request %s %s", r.Endpoint, r.Project)
		}
	}
	if err := CheckNames(context.Background(), c, []ProjectConfig{{ID: testProject, Workspaces: []string{"staging"}}}); err != nil {
		t.Errorf("known workspace: %v", err)
	}
}
