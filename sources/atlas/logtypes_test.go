package atlas

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestFetchOperationalLog(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	audit := atlastest.GenerateLines(1, day0, day1, 50)
	ops := atlastest.OperationalGenerator{Seed: 2}.Lines(day0, day1, 200)
	ws := "team a/b"
	srv.AddWorkspace(testProject, ws, audit)
	srv.AddOperationalLines(testProject, ws, ops)
	c := newClient(t, serviceAccount(srv.URL), Options{})

	w := window(ws, day0, day1)
	w.LogType = pipeline.OperationalLog
	if got, want := fetchLines(t, c, w), texts(ops, day0, day1, ""); !slices.Equal(got, want) {
		t.Fatalf("operational log: %d lines, want %d", len(got), len(want))
	}
	if got, want := fetchLines(t, c, window(ws, day0, day1)), texts(audit, day0, day1, ""); !slices.Equal(got, want) {
		t.Fatalf("audit log: %d lines, want %d", len(got), len(want))
	}
	reqs := requestsTo(srv.Fake, "operationalLogs")
	if len(reqs) != 1 || reqs[0].Accept != "application/vnd.atlas.2025-03-12+gzip" || !strings.HasSuffix(reqs[0].Path, "/streams/team%20a%2Fb:downloadOperationalLogs") {
		t.Fatalf("operational requests %+v", reqs)
	}
}

func TestOperationalVersionRefused(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddOperationalLines(testProject, "ws", nil)
	cfg := serviceAccount(srv.URL)
	cfg.OperationalAPIVersion = "2023-02-01"
	c := newClient(t, cfg, Options{})
	w := window("ws", day0, day1)
	w.LogType = pipeline.OperationalLog
	_, err := c.Fetch(context.Background(), w)
	if !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), "operational_api_version 2023-02-01") || !strings.Contains(err.Error(), "2025-03-12") {
		t.Fatalf("a refused version: %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 406 {
		t.Fatalf("error %v is not the 406", err)
	}
}

func TestPlanSeriesPerLogType(t *testing.T) {
	cfg := NewDefaultConfig()
	cfg.LogTypes = []string{"audit", "operational"}
	cfg.Projects = []ProjectConfig{
		{ID: testProject, Workspaces: []string{"a"}},
		{ID: "5f1a2b3c4d5e6f7a8b9c0d1f", Workspaces: []string{"b"}, Processors: []string{"p"}, LogTypes: []string{"operational"}},
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	resolved := cfg.withLogTypes(cfg.Projects)
	got, err := PlanSeries(context.Background(), nil, resolved)
	if err != nil {
		t.Fatal(err)
	}
	want := []pipeline.Series{
		{ProjectID: testProject, Workspace: "a"},
		{ProjectID: testProject, Workspace: "a", LogType: pipeline.OperationalLog},
		{ProjectID: "5f1a2b3c4d5e6f7a8b9c0d1f", Workspace: "b", Processor: "p", LogType: pipeline.OperationalLog},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("series %v, want %v", got, want)
	}
	// Without atlas.log_types nor a project's own, the audit log alone,
	// with the series of before log types.
	got, _ = PlanSeries(context.Background(), nil, NewDefaultConfig().withLogTypes([]ProjectConfig{{ID: testProject, Workspaces: []string{"a"}}}))
	if !slices.Equal(got, []pipeline.Series{{ProjectID: testProject, Workspace: "a"}}) {
		t.Fatalf("default series %v", got)
	}
}

func TestLogTypesValidated(t *testing.T) {
	cfg := NewDefaultConfig()
	cfg.LogTypes = []string{"audit", "cluster", "audit"}
	cfg.Projects = []ProjectConfig{{ID: testProject, LogTypes: []string{"opertional"}}}
	err := cfg.Validate()
	for _, want := range []string{`log_types[1]: unknown log type "cluster"`, `log_types[2]: "audit" is listed twice`, `projects[0].log_types[0]: unknown log type "opertional"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v lacks %q", err, want)
		}
	}
}
