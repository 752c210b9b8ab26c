package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// fleet is the Atlas of the replica tests: several projects with one or
// two workspaces each, whose audit logs keep growing while the test runs,
// some events published late (atlastest.Ingestion). Each replica talks to
// it through a front of its own (its own base URL), so that every
// download is known by the replica that made it.
type fleet struct {
	fake     *fakeAtlas
	in       *atlastest.Ingestion
	projects []string
	series   []pipeline.Series
	gens     map[pipeline.Series]atlastest.Generator

	mu        sync.Mutex
	downloads []fleetDownload // audit-log downloads, in arrival order
}

// fleetDownload is one audit-log download a replica made.
type fleetDownload struct {
	at                 time.Time
	replica            string
	project, workspace string
}

// newFleet makes n projects, every other one with two workspaces, each
// workspace a log of in.
func newFleet(t *testing.T, n int, in *atlastest.Ingestion) *fleet {
	t.Helper()
	f := &fleet{fake: newFakeAtlas(t, atlastest.Config{}), in: in, gens: map[pipeline.Series]atlastest.Generator{}}
	for i := range n {
		p := fmt.Sprintf("5f1a2b3c4d5e6f7a8b9c%04x", 0xa000+i)
		f.projects = append(f.projects, p)
		wss := []string{"ws-a"}
		if i%2 == 0 {
			wss = append(wss, "ws-b")
		}
		for j, ws := range wss {
			s := pipeline.Series{ProjectID: p, Workspace: ws}
			g := atlastest.Generator{Seed: uint64(1000 + 10*i + j), NotJSON: 0.02}
			f.series = append(f.series, s)
			f.gens[s] = g
			f.fake.AddWorkspaceFunc(p, ws, in.Func(g))
		}
	}
	return f
}

// front returns the base URL through which replica reaches the fake.
func (f *fleet) front(t *testing.T, replica string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if project, ws, ok := auditLogPath(r.URL.Path); ok {
			f.mu.Lock()
			f.downloads = append(f.downloads, fleetDownload{at: time.Now(), replica: replica, project: project, workspace: ws})
			f.mu.Unlock()
		}
		f.fake.serve(w, r)
	}))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL
}

// auditLogPath reads /api/atlas/v2/groups/{p}/streams/{ws}/auditLogs.
func auditLogPath(path string) (project, ws string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/api/atlas/v2/groups/")
	if !ok {
		return "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 || parts[1] != "streams" || parts[3] != "auditLogs" {
		return "", "", false
	}
	return parts[0], parts[2], true
}

// downloadsSince returns the downloads that arrived at or after from.
func (f *fleet) downloadsSince(from time.Time) []fleetDownload {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fleetDownload
	for _, d := range f.downloads {
		if !d.at.Before(from) {
			out = append(out, d)
		}
	}
	return out
}

// perPass counts the downloads of every replica during d from now on, as
// downloads per poll interval; by names the count of each series.
func (f *fleet) perPass(d, poll time.Duration) (perPass float64, n int, by string) {
	from := time.Now()
	time.Sleep(d)
	counts := map[string]int{}
	for _, dl := range f.downloadsSince(from) {
		if dl.at.Before(from.Add(d)) {
			n++
			counts[dl.project[len(dl.project)-4:]+"/"+dl.workspace+" by "+dl.replica]++
		}
	}
	var parts []string
	for k, c := range counts {
		parts = append(parts, fmt.Sprintf("%s: %d", k, c))
	}
	slices.Sort(parts)
	return float64(n) * float64(poll) / float64(d), n, strings.Join(parts, ", ")
}

// lastDownload returns when the project was last downloaded with lines in
// the body (the zero time if never).
func (f *fleet) lastDownload(project string) time.Time {
	var last time.Time
	for _, r := range f.fake.auditRequests() {
		if r.Project == project && r.Status == http.StatusOK && r.Lines > 0 && r.Time.After(last) {
			last = r.Time
		}
	}
	return last
}

// served returns the ids of every event that happened until the
// ingestion stopped (call it after Stop).
func (f *fleet) served(t *testing.T) map[string]bool {
	t.Helper()
	stop := f.in.Stopped()
	if stop.IsZero() {
		t.Fatal("fleet.served before the ingestion stopped")
	}
	out := map[string]bool{}
	for _, s := range f.series {
		for _, l := range f.in.Lines(f.gens[s], stop) {
			out[transform.DocumentID(s.ProjectID, s.Workspace, []byte(l.Text))] = true
		}
	}
	return out
}

// coverage reads every series' coverage from store.
func (f *fleet) coverage(t *testing.T, store pipeline.CheckpointStore) map[pipeline.Series]pipeline.Coverage {
	t.Helper()
	cov, err := f.readCoverage(store)
	if err != nil {
		t.Fatal(err)
	}
	return cov
}

func (f *fleet) readCoverage(store pipeline.CheckpointStore) (map[pipeline.Series]pipeline.Coverage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := map[pipeline.Series]pipeline.Coverage{}
	for _, s := range f.series {
		c, err := store.Coverage(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("reading the coverage of %s: %w", s, err)
		}
		out[s] = c
	}
	return out, nil
}

// coveredUntil returns the earliest end of coverage over every series;
// the zero time while the state index cannot be read (it is created by
// the first replica).
func (f *fleet) coveredUntil(store pipeline.CheckpointStore) time.Time {
	var least time.Time
	cov, err := f.readCoverage(store)
	if err != nil {
		return least
	}
	for i, s := range f.series {
		last := cov[s].Last()
		if i == 0 || last.Before(least) {
			least = last
		}
	}
	return least
}
