package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// The backfill range: 30 days across a month boundary (two monthly
// indices / partitions).
var (
	backfillFrom = time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC)
	backfillTo   = backfillFrom.Add(30 * 24 * time.Hour)
)

const (
	backfillLinesPerWorkspace = 1500
	backfillWindow            = 6 * time.Hour
)

func TestBackfillFileSink(t *testing.T) {
	t.Parallel()
	testBackfill(t, fileTarget(t), serviceAccountCLIVars, atlastest.Body{Shape: atlastest.Single})
}

func TestBackfillElasticsearch(t *testing.T) {
	t.Parallel()
	testBackfill(t, searchTarget(t, "ES"), apiKeyConfigVars, atlastest.Body{Shape: atlastest.Members, LinesPerMember: 7})
}

func TestBackfillOpenSearch(t *testing.T) {
	t.Parallel()
	testBackfill(t, searchTarget(t, "OS"), serviceAccountConfigVars, atlastest.Body{Shape: atlastest.Tar, LinesPerFile: 10, Empty: atlastest.ZeroBytes})
}

// testBackfill: a backfill over 30 days stores every served line exactly
// once and its report adds up; the same backfill again fetches and stores
// nothing; with --force it fetches everything again and stores nothing new.
func testBackfill(t *testing.T, tg target, kind credKind, body atlastest.Body) {
	binary(t) // builds once, and skips with -short before any setup
	fake := newFakeAtlas(t, atlastest.Config{Body: body})
	srv := serveGenerated(fake, 1001, backfillFrom, backfillTo, backfillLinesPerWorkspace)
	want := srv.ids(nil)
	lines, blank, events, parseFailures := srv.counts(t)
	if int64(len(want)) != events {
		t.Fatalf("test data: %d events but %d distinct ids", events, len(want))
	}
	e := fake.env(kind).with("ASPAUDIT_PIPELINE__WINDOW", backfillWindow.String()).with(envPairs(tg.env)...)
	args := []string{"backfill", "--from", backfillFrom.Format(time.RFC3339), "--to", backfillTo.Format(time.RFC3339), "--report", "json"}
	windows := len(e2eWorkspaces) * int(backfillTo.Sub(backfillFrom)/backfillWindow)

	r := aspaudit(t, e, args...)
	mustExit(t, r, exitOK, "first backfill")
	rep := parseReport(t, r)
	if rep.Command != "backfill" || rep.WindowsPlanned != windows || rep.WindowsDone != windows || rep.WindowsFailed != 0 || rep.WindowsCanceled != 0 {
		t.Errorf("first backfill windows: %+v; want %d planned and done", rep, windows)
	}
	if rep.LinesRead != lines || rep.BlankLines != blank || rep.Events != events || rep.EventsStored != events ||
		rep.Duplicates != 0 || rep.ParseFailures != parseFailures || rep.DeadLettered != 0 {
		t.Errorf("first backfill figures: %+v; want lines %d (blank %d), %d events all stored, %d parse failures, no duplicate or dead letter",
			rep, lines, blank, events, parseFailures)
	}
	if parseFailures == 0 {
		t.Errorf("test data: no parse failure among %d events", events)
	}
	if n := len(fake.auditRequests()); n < windows {
		t.Errorf("the fake got %d audit-log requests for %d windows", n, windows)
	}
	idDiff(t, "after the first backfill", want, tg.stored(t))

	fake.ResetRequests()
	r = aspaudit(t, e, args...)
	mustExit(t, r, exitOK, "second backfill")
	rep = parseReport(t, r)
	if rep.WindowsPlanned != 0 || rep.Events != 0 || rep.EventsStored != 0 {
		t.Errorf("second backfill: %+v; want nothing planned or stored (all covered)", rep)
	}
	if reqs := fake.auditRequests(); len(reqs) != 0 {
		t.Errorf("second backfill made %d audit-log requests (first: %s); coverage should skip every window", len(reqs), reqs[0].Query.Encode())
	}
	idDiff(t, "after the second backfill", want, tg.stored(t))

	fake.ResetRequests()
	r = aspaudit(t, e, append(args, "--force")...)
	mustExit(t, r, exitOK, "forced backfill")
	rep = parseReport(t, r)
	if rep.WindowsPlanned != windows || rep.WindowsDone != windows || rep.Events != events || rep.EventsStored != 0 || rep.Duplicates != events {
		t.Errorf("forced backfill: %+v; want %d windows, %d events, all duplicates", rep, windows, events)
	}
	if n := len(fake.auditRequests()); n < windows {
		t.Errorf("forced backfill made %d audit-log requests for %d windows", n, windows)
	}
	idDiff(t, "after the forced backfill", want, tg.stored(t))
}

// envPairs flattens e into key, value pairs for env.with.
func envPairs(e env) []string {
	var out []string
	for k, v := range e {
		out = append(out, k, v)
	}
	return out
}

// TestBackfillUnknownProject: a configured project Atlas does not know
// does not stop the others; the backfill stores theirs and exits 1, and
// its JSON report says so.
func TestBackfillUnknownProject(t *testing.T) {
	t.Parallel()
	binary(t)
	tg := fileTarget(t)
	fake := newFakeAtlas(t, atlastest.Config{})
	from, to := backfillFrom, backfillFrom.Add(24*time.Hour)
	srv := serveGenerated(fake, 8008, from, to, 100)
	e := fake.env(apiKeyConfigVars).with(envPairs(tg.env)...).with("ASPAUDIT_ATLAS__PROJECTS", "0123456789abcdef01234567,"+e2eProject)
	r := aspaudit(t, e, "backfill", "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--report", "json")
	mustExit(t, r, exitIncomplete, "backfill with an unknown project")
	if !strings.Contains(r.stderr, "0123456789abcdef01234567") {
		t.Errorf("stderr does not name the unknown project:\n%s", r.stderr)
	}
	parseReport(t, r)
	idDiff(t, "the known project", srv.ids(nil), tg.stored(t))
}

// TestBackfillUnknownWorkspaceFailsAtOnce: a misspelt --workspace stops
// the backfill before any download, naming the workspaces that exist.
func TestBackfillUnknownWorkspaceFailsAtOnce(t *testing.T) {
	t.Parallel()
	binary(t)
	fake := newFakeAtlas(t, atlastest.Config{})
	serveGenerated(fake, 7, backfillFrom, backfillTo, 10)
	e := fake.env(serviceAccountCLIVars).with(envPairs(fileTarget(t).env)...)
	r := aspaudit(t, e, "backfill", "--from", backfillFrom.Format(time.RFC3339), "--to", backfillTo.Format(time.RFC3339),
		"--project", e2eProject, "--workspace", "ws-alpha", "--workspace", "ws-nope")
	mustExit(t, r, exitUsage, "backfill of an unknown workspace")
	if !strings.Contains(r.stderr, `has no workspace "ws-nope"`) || !strings.Contains(r.stderr, "its workspaces: ws-alpha, ws-beta") {
		t.Errorf("the error does not name the unknown and the known workspaces:\n%s", r)
	}
	if n := len(fake.auditRequests()); n != 0 {
		t.Errorf("%d downloads before the check failed", n)
	}
}
