package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline/secret"
	"github.com/aspaudit/aspaudit/sinks/file"
	"github.com/aspaudit/aspaudit/sources/atlas"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// BenchmarkOrganizationPass measures the Atlas requests of one `run
// --once` pass over an organization of 30 projects, 10 of them with two
// workspaces each, following both log types, and reports them per
// endpoint (requests/pass figures for the README).
func BenchmarkOrganizationPass(b *testing.B) {
	const org, projects, withWorkspaces = "6a0000000000000000000001", 30, 10
	srv := atlastest.NewServer(atlastest.Config{ClientID: "id", ClientSecret: "secret"})
	defer srv.Close()
	now := time.Now().UTC()
	for i := range projects {
		id := fmt.Sprintf("5f%022d", i+1)
		srv.AddOrgProject(org, id, fmt.Sprintf("team-%d", i))
		if i < withWorkspaces {
			for _, ws := range []string{"ws-a", "ws-b"} {
				srv.AddWorkspace(id, ws, atlastest.GenerateLines(uint64(i), now.Add(-time.Hour), now, 20))
				srv.AddOperationalLines(id, ws, atlastest.OperationalGenerator{Seed: uint64(i)}.Lines(now.Add(-time.Hour), now, 20))
			}
		}
	}
	cfg := configs.NewDefaultConfig()
	cfg.Atlas.BaseURL = srv.URL
	cfg.Atlas.ClientID, cfg.Atlas.ClientSecret = "id", secret.Secret("secret")
	cfg.Atlas.Organizations = []atlas.OrgConfig{{ID: org}}
	cfg.Atlas.LogTypes = []string{"audit", "operational"}
	cfg.Pipeline.Start = time.Hour // one window per series (two when it crosses a window boundary)
	cfg.Pipeline.Window = 24 * time.Hour
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	counts := map[string]int{}
	for b.Loop() {
		cfg.Sink.Selected().(*file.Config).Path = b.TempDir()
		out, err := openOutputs(ctx, cfg, log)
		if err != nil {
			b.Fatal(err)
		}
		client, err := newAtlas(cfg, log, nil)
		if err != nil {
			b.Fatal(err)
		}
		eng, err := newEngine(cfg, client, out, log, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		srv.ResetRequests()
		if _, errs := followProjects(ctx, eng, client, cfg, log, true, nil); len(errs) > 0 {
			b.Fatal(errs)
		}
		for _, r := range srv.Requests() {
			counts[r.Endpoint]++
		}
		_ = out.Close(ctx)
		client.Close()
	}
	for _, ep := range []string{"orgGroups", "streams", "auditLogs", "operationalLogs", "token"} {
		b.ReportMetric(float64(counts[ep])/float64(b.N), ep+"/pass")
	}
}
