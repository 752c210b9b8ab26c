package atlas

import (
	"context"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestListedWorkspacesArePlaced(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspace(testProject, "ws-a", nil)
	c := newClient(t, serviceAccount(srv.URL), Options{})
	if _, ok := c.Place(testProject, "ws-a"); ok {
		t.Fatal("a workspace never listed has a place")
	}
	if _, err := c.Workspaces(context.Background(), testProject); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Place(testProject, "ws-a")
	if want := (pipeline.Place{Provider: "AWS", Region: "VIRGINIA_USA"}); !ok || got != want {
		t.Fatalf("place %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := c.Place(testProject, "ws-other"); ok {
		t.Fatal("an unknown workspace has a place")
	}
}
