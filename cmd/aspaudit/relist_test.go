package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline/retry"
	"github.com/aspaudit/aspaudit/pipeline/secret"
	"github.com/aspaudit/aspaudit/sinks/file"
	"github.com/aspaudit/aspaudit/sources/atlas"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestRunFollowsAnOrganization runs `run`'s follower on an organization
// of three projects (one with a workspace, one without any, one that is
// deleted while it runs) with both log types, and a fourth project added
// to the organization while it runs: the new project is followed, the
// deleted one let go, the empty one costs listings only, and each followed
// workspace is fetched for both logs.
func TestRunFollowsAnOrganization(t *testing.T) {
	old := rediscoverEvery
	rediscoverEvery = 30 * time.Millisecond
	t.Cleanup(func() { rediscoverEvery = old })

	const (
		org     = "6a0000000000000000000001"
		full    = "5f0000000000000000000001"
		empty   = "5f0000000000000000000002"
		doomed  = "5f0000000000000000000003"
		late    = "5f0000000000000000000004"
		outside = "5f0000000000000000000009"
	)
	srv := atlastest.NewServer(atlastest.Config{ClientID: "id", ClientSecret: "secret"})
	defer srv.Close()
	now := time.Now().UTC()
	addWorkspace := func(project string, seed uint64) {
		srv.AddWorkspace(project, "ws", atlastest.GenerateLines(seed, now.Add(-2*time.Hour), now, 30))
		srv.AddOperationalLines(project, "ws", atlastest.OperationalGenerator{Seed: seed}.Lines(now.Add(-2*time.Hour), now, 30))
	}
	srv.AddOrgProject(org, full, "team-full")
	srv.AddOrgProject(org, empty, "team-empty")
	srv.AddOrgProject(org, doomed, "team-doomed")
	srv.AddOrgProject("6a0000000000000000000002", outside, "elsewhere")
	addWorkspace(full, 1)
	addWorkspace(doomed, 2)
	addWorkspace(outside, 3)

	cfg := configs.NewDefaultConfig()
	cfg.Atlas.BaseURL = srv.URL
	cfg.Atlas.ClientID, cfg.Atlas.ClientSecret = "id", secret.Secret("secret")
	cfg.Atlas.Retry = retry.Policy{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond, Multiplier: 2, Budget: 10 * time.Second}
	cfg.Atlas.Organizations = []atlas.OrgConfig{{ID: org}}
	cfg.Atlas.LogTypes = []string{"audit", "operational"}
	cfg.Pipeline.PollInterval = 10 * time.Millisecond
	cfg.Pipeline.Retry = cfg.Atlas.Retry
	cfg.Sink.Selected().(*file.Config).Path = t.TempDir()
	if err := cfg.Atlas.Validate(); err != nil {
		t.Fatal(err)
	}

	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, err := openOutputs(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = out.Close(context.Background()) }()
	client, err := newAtlas(cfg, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	eng, err := newEngine(cfg, client, out, log, newMetrics(), nil)
	if err != nil {
		t.Fatal(err)
	}

	fetches := func(project, endpoint string) (ok, other int) {
		for _, r := range srv.Requests() {
			if r.Endpoint == endpoint && r.Project == project {
				if r.Status == http.StatusOK {
					ok++
				} else {
					other++
				}
			}
		}
		return ok, other
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; log:\n%s", what, tail(logs.String(), 30))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	both := func(project string) func() bool {
		return func() bool {
			a, _ := fetches(project, "auditLogs")
			o, _ := fetches(project, "operationalLogs")
			return a > 0 && o > 0
		}
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, errs := followProjects(ctx, eng, client, cfg, log, false, nil); len(errs) > 0 {
			t.Errorf("follow: %v", errs)
		}
	}()
	waitFor("both logs of the full project", both(full))
	waitFor("both logs of the doomed project", both(doomed))

	srv.RemoveProject(doomed)
	srv.AddOrgProject(org, late, "team-late")
	addWorkspace(late, 4)
	waitFor("both logs of the project added while running", both(late))
	waitFor("the deleted project to be let go", func() bool {
		return strings.Contains(logs.String(), "project no longer listed") && strings.Contains(logs.String(), "project="+doomed)
	})
	// Let a pass in flight end, then the deleted project is not asked for
	// any more while the others are.
	base, _ := fetches(full, "auditLogs")
	waitFor("two more passes", func() bool { n, _ := fetches(full, "auditLogs"); return n >= base+2 })
	_, before := fetches(doomed, "auditLogs")
	streamsBefore, _ := fetches(doomed, "streams")
	base, _ = fetches(full, "auditLogs")
	waitFor("five more passes", func() bool { n, _ := fetches(full, "auditLogs"); return n >= base+5 })
	if _, after := fetches(doomed, "auditLogs"); after != before {
		t.Errorf("the deleted project's log was asked for %d more times", after-before)
	}
	if s, _ := fetches(doomed, "streams"); s != streamsBefore {
		t.Errorf("the deleted project's workspaces were listed %d more times", s-streamsBefore)
	}
	// The empty project costs workspace listings, no download; the other
	// organization's project is never touched.
	if a, o := fetches(empty, "auditLogs"); a+o != 0 {
		t.Errorf("the project without workspaces had %d downloads", a+o)
	}
	if s, _ := fetches(empty, "streams"); s == 0 {
		t.Error("the project without workspaces was never listed")
	}
	if a, o := fetches(outside, "auditLogs"); a+o != 0 {
		t.Errorf("a project of another organization was fetched %d times", a+o)
	}
	cancel()
	<-done
}
