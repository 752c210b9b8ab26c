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

// TestRunFollowsWorkspacesAsTheyComeAndGo runs `run`'s follower against the
// Atlas fake with a short rediscovery period: a workspace created while it
// runs is followed, a deleted one is not fetched any more (instead of
// failing with 404 forever) and its lag metric goes, and when the last one goes too nothing of the
// project is fetched.
func TestRunFollowsWorkspacesAsTheyComeAndGo(t *testing.T) {
	old := rediscoverEvery
	rediscoverEvery = 30 * time.Millisecond
	t.Cleanup(func() { rediscoverEvery = old })

	const project = "5f1a2b3c4d5e6f7a8b9c0d1e"
	srv := atlastest.NewServer(atlastest.Config{ClientID: "id", ClientSecret: "secret"})
	defer srv.Close()
	now := time.Now().UTC()
	lines := func(seed uint64) []atlastest.Line {
		return atlastest.GenerateLines(seed, now.Add(-2*time.Hour), now, 50)
	}
	srv.AddWorkspace(project, "ws-a", lines(1))
	srv.AddWorkspace(project, "ws-b", lines(2))

	cfg := configs.NewDefaultConfig()
	cfg.Atlas.BaseURL = srv.URL
	cfg.Atlas.ClientID, cfg.Atlas.ClientSecret = "id", secret.Secret("secret")
	cfg.Atlas.RateLimit, cfg.Atlas.RateBurst = 1000, 100
	cfg.Atlas.Retry = retry.Policy{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond, Multiplier: 2, Budget: 10 * time.Second}
	cfg.Atlas.Projects = []atlas.ProjectConfig{{ID: project}}
	cfg.Pipeline.PollInterval = 10 * time.Millisecond
	cfg.Pipeline.Retry = cfg.Atlas.Retry
	cfg.Sink.Selected().(*file.Config).Path = t.TempDir()

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
	m := newMetrics()
	eng, err := newEngine(cfg, client, out, log, m, nil)
	if err != nil {
		t.Fatal(err)
	}

	fetches := func(ws string) (ok, notFound int) {
		for _, r := range srv.Requests() {
			if r.Endpoint == "auditLogs" && r.Workspace == ws {
				switch r.Status {
				case http.StatusOK:
					ok++
				case http.StatusNotFound:
					notFound++
				}
			}
		}
		return ok, notFound
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; log:\n%s", what, logs.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// lagged returns the series with a lag metric: a series' metric goes
	// when its follower ends, after the last pass it had in flight (and so
	// that pass's requests) ended.
	lagged := func() map[string]bool {
		t.Helper()
		families, err := m.reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, f := range families {
			if f.GetName() != "aspaudit_series_lag_seconds" {
				continue
			}
			for _, mt := range f.GetMetric() {
				for _, l := range mt.GetLabel() {
					out[l.GetValue()] = true
				}
			}
		}
		return out
	}
	ended := func(ws ...string) func() bool {
		return func() bool {
			l := lagged()
			for _, w := range ws {
				if l[project+"/"+w] {
					return false
				}
			}
			return true
		}
	}
	// steady waits until ws's follower ended, then checks that ws is not
	// fetched any more while other is fetched 5 more times.
	steady := func(ws, other string) {
		t.Helper()
		waitFor(ws+"'s follower to end", ended(ws))
		okBefore, nfBefore := fetches(ws)
		base, _ := fetches(other)
		waitFor(other+" to be fetched 5 more times", func() bool { n, _ := fetches(other); return n >= base+5 })
		if okAfter, nfAfter := fetches(ws); okAfter != okBefore || nfAfter != nfBefore {
			t.Errorf("%s still fetched after it was deleted: %d more answers 200, %d more 404", ws, okAfter-okBefore, nfAfter-nfBefore)
		}
	}

	// letGo reports whether the follower said it stopped following ws.
	letGo := func(ws string) bool {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "no longer listed") && strings.Contains(l, "series="+project+"/"+ws) {
				return true
			}
		}
		return false
	}
	total := func(ws string) int { ok, nf := fetches(ws); return ok + nf }

	done := make(chan struct{})
	go func() {
		defer close(done)
		_, errs := followProjects(ctx, eng, client, cfg, log, false, nil)
		if len(errs) > 0 {
			t.Errorf("follow: %v", errs)
		}
	}()
	waitFor("ws-a and ws-b to be fetched", func() bool { a, _ := fetches("ws-a"); b, _ := fetches("ws-b"); return a > 0 && b > 0 })

	srv.RemoveWorkspace(project, "ws-b")
	srv.AddWorkspace(project, "ws-c", lines(3))
	waitFor("ws-c to be followed", func() bool { c, _ := fetches("ws-c"); return c > 0 })
	waitFor("ws-b to be let go", func() bool { return letGo("ws-b") })
	steady("ws-b", "ws-c")
	// The lag metrics follow: ws-b's is gone, ws-c's is there.
	if l := lagged(); l[project+"/ws-b"] || !l[project+"/ws-c"] {
		t.Errorf("series with a lag metric: %v; want ws-c and not the deleted ws-b", l)
	}

	// The last workspaces go: the project is listed empty.
	srv.RemoveWorkspace(project, "ws-a")
	srv.RemoveWorkspace(project, "ws-c")
	waitFor("ws-a and ws-c to be let go", func() bool { return letGo("ws-a") && letGo("ws-c") })
	lists := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Endpoint == "streams" {
				n++
			}
		}
		return n
	}
	// Passes in flight when they were let go end first.
	waitFor("the followers of ws-a and ws-c to end", ended("ws-a", "ws-c"))
	a0, c0, l0 := total("ws-a"), total("ws-c"), lists()
	waitFor("3 more listings", func() bool { return lists() >= l0+3 })
	if a, c := total("ws-a"), total("ws-c"); a != a0 || c != c0 {
		t.Errorf("fetched after the project was emptied: ws-a %d more times, ws-c %d more", a-a0, c-c0)
	}
	cancel()
	<-done
}
