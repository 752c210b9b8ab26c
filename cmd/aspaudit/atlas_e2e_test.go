package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// The project and credentials the fake Atlas knows.
const (
	e2eProject   = "5f1a2b3c4d5e6f7a8b9c0d1e"
	e2eClientID  = "mdb_sa_id_e2e"
	e2eSecret    = "mdb_sa_sk_e2e-secret"
	e2ePublicKey = "e2epubkey"
	e2ePrivKey   = "0f1e2d3c-e2e-private-key"
)

var e2eWorkspaces = []string{"ws-alpha", "ws-beta"}

// credKind is which kind of Atlas credential a test uses, and how it is
// given to the binary.
type credKind int

const (
	serviceAccountCLIVars    credKind = iota // MONGODB_ATLAS_CLIENT_ID / _SECRET / _BASE_URL
	apiKeyConfigVars                         // ASPAUDIT_ATLAS__PUBLIC_KEY / __PRIVATE_KEY / __BASE_URL
	serviceAccountConfigVars                 // ASPAUDIT_ATLAS__CLIENT_ID / __CLIENT_SECRET / __BASE_URL
)

// fakeAtlas is the Atlas fake on a loopback port, behind a handler that
// can slow audit-log downloads down (so that kills and signals land while
// windows are in flight).
type fakeAtlas struct {
	*atlastest.Fake
	URL   string
	delay atomic.Int64 // nanoseconds before each audit-log answer
}

// newFakeAtlas starts a fake that accepts both kinds of credential.
func newFakeAtlas(t testing.TB, cfg atlastest.Config) *fakeAtlas {
	t.Helper()
	cfg.ClientID, cfg.ClientSecret = e2eClientID, e2eSecret
	cfg.PublicKey, cfg.PrivateKey = e2ePublicKey, e2ePrivKey
	f := &fakeAtlas{Fake: atlastest.New(cfg)}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	f.URL = srv.URL
	return f
}

func (f *fakeAtlas) serve(w http.ResponseWriter, r *http.Request) {
	if d := time.Duration(f.delay.Load()); d > 0 && strings.HasSuffix(r.URL.Path, "/auditLogs") {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	f.Fake.ServeHTTP(w, r)
}

// setDelay slows every audit-log download down by d from now on.
func (f *fakeAtlas) setDelay(d time.Duration) { f.delay.Store(int64(d)) }

// auditRequests returns the audit-log downloads the fake received.
func (f *fakeAtlas) auditRequests() []atlastest.Request {
	var out []atlastest.Request
	for _, r := range f.Requests() {
		if r.Endpoint == "auditLogs" {
			out = append(out, r)
		}
	}
	return out
}

// env returns the variables that point the binary at the fake with the
// given credential kind, for the e2e project.
func (f *fakeAtlas) env(kind credKind) env {
	e := env{
		"ASPAUDIT_ATLAS__PROJECTS": e2eProject,
		// Atlas's real bucket is far below what a test needs; the fake
		// has no rate limit.
		"ASPAUDIT_ATLAS__BUCKET__CAPACITY":  "100000",
		"ASPAUDIT_ATLAS__BUCKET__REFILL":    "50000",
		"ASPAUDIT_ATLAS__BUCKET__EVERY":     "1s",
		"ASPAUDIT_ATLAS__RETRY__INITIAL":    "100ms",
		"ASPAUDIT_ATLAS__RETRY__MAX":        "1s",
		"ASPAUDIT_PIPELINE__RETRY__INITIAL": "100ms",
		"ASPAUDIT_PIPELINE__RETRY__MAX":     "2s",
		"ASPAUDIT_LOG__FORMAT":              "json",
	}
	switch kind {
	case serviceAccountCLIVars:
		e["MONGODB_ATLAS_BASE_URL"] = f.URL
		e["MONGODB_ATLAS_CLIENT_ID"] = e2eClientID
		e["MONGODB_ATLAS_CLIENT_SECRET"] = e2eSecret
	case apiKeyConfigVars:
		e["ASPAUDIT_ATLAS__BASE_URL"] = f.URL
		e["ASPAUDIT_ATLAS__PUBLIC_KEY"] = e2ePublicKey
		e["ASPAUDIT_ATLAS__PRIVATE_KEY"] = e2ePrivKey
	case serviceAccountConfigVars:
		e["ASPAUDIT_ATLAS__BASE_URL"] = f.URL
		e["ASPAUDIT_ATLAS__CLIENT_ID"] = e2eClientID
		e["ASPAUDIT_ATLAS__CLIENT_SECRET"] = e2eSecret
	}
	return e
}

// served is what the fake serves: every line per workspace of project.
type served struct {
	project string
	lines   map[string][]atlastest.Line // workspace -> lines
}

// serveGenerated gives each e2e workspace n generated lines over [from,
// to) (2% of them not JSON), plus a few blank lines, deterministically
// from seed. It returns what is served.
func serveGenerated(f *fakeAtlas, seed uint64, from, to time.Time, n int) served {
	return serveGeneratedIn(f, e2eProject, seed, from, to, n)
}

// serveGeneratedIn is serveGenerated in another project than e2eProject.
func serveGeneratedIn(f *fakeAtlas, project string, seed uint64, from, to time.Time, n int) served {
	s := served{project: project, lines: map[string][]atlastest.Line{}}
	for i, ws := range e2eWorkspaces {
		g := atlastest.Generator{Seed: seed + uint64(i), NotJSON: 0.02}
		lines := g.Lines(from, to, n)
		// Blank lines are read and counted, but are no events.
		span := to.Sub(from)
		for _, frac := range []int64{7, 31, 77} {
			text := ""
			if frac%2 == 1 {
				text = " \t "
			}
			lines = append(lines, atlastest.Line{Time: from.Add(time.Duration(int64(span) / 100 * frac)), Text: text})
		}
		f.AddWorkspace(project, ws, lines)
		s.lines[ws] = f.Lines(project, ws)
	}
	return s
}

func isBlankText(s string) bool { return strings.Trim(s, " \t\r") == "" }

// ids returns the document ids of the served non-blank lines whose time
// keep accepts (nil: all).
func (s served) ids(keep func(ws string, at time.Time) bool) map[string]bool {
	out := map[string]bool{}
	for ws, lines := range s.lines {
		for _, l := range lines {
			if isBlankText(l.Text) || keep != nil && !keep(ws, l.Time) {
				continue
			}
			out[transform.DocumentID(s.project, ws, []byte(l.Text))] = true
		}
	}
	return out
}

// counts returns the number of lines, blank lines and events served, and
// how many events the parser marks as parse failures.
func (s served) counts(t testing.TB) (lines, blank, events, parseFailures int64) {
	t.Helper()
	p := transform.New(transform.NewDefaultConfig())
	for ws, ls := range s.lines {
		w := pipeline.Window{Series: pipeline.Series{ProjectID: s.project, Workspace: ws}}
		for _, l := range ls {
			lines++
			if isBlankText(l.Text) {
				blank++
				continue
			}
			events++
			ev, err := p.Parse([]byte(l.Text), w)
			if err != nil || ev.Failed {
				parseFailures++
			}
		}
	}
	return lines, blank, events, parseFailures
}

// covered returns a filter keeping the times inside each workspace's
// coverage.
func covered(cov map[string]pipeline.Coverage) func(ws string, at time.Time) bool {
	return func(ws string, at time.Time) bool {
		for _, r := range cov[ws] {
			if !at.Before(r.Start) && at.Before(r.End) {
				return true
			}
		}
		return false
	}
}

// coverageOf reads each e2e workspace's coverage from store.
func coverageOf(t testing.TB, store pipeline.CheckpointStore) map[string]pipeline.Coverage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := map[string]pipeline.Coverage{}
	for _, ws := range e2eWorkspaces {
		c, err := store.Coverage(ctx, pipeline.Series{ProjectID: e2eProject, Workspace: ws})
		if err != nil {
			t.Fatalf("reading the coverage of %s: %v", ws, err)
		}
		out[ws] = c
	}
	return out
}
