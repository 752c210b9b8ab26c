package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

const (
	runStart   = 6 * time.Hour
	runOverlap = 30 * time.Minute
)

// continuousEnv serves lines up to an hour past now and sets continuous
// mode to start 6h back, 1m behind now, re-reading 30m.
func continuousEnv(t *testing.T, tg target, kind credKind, seed uint64) (*fakeAtlas, served, env) {
	t.Helper()
	fake := newFakeAtlas(t, atlastest.Config{})
	now := time.Now().UTC()
	srv := serveGenerated(fake, seed, now.Add(-8*time.Hour), now.Add(time.Hour), 1500)
	e := fake.env(kind).with(
		"ASPAUDIT_PIPELINE__START", runStart.String(),
		"ASPAUDIT_PIPELINE__LAG", "1m",
		"ASPAUDIT_PIPELINE__OVERLAP", runOverlap.String(),
		"ASPAUDIT_PIPELINE__WINDOW", "1h",
	).with(envPairs(tg.env)...)
	return fake, srv, e
}

func TestRunOnceTwiceFileSink(t *testing.T) {
	t.Parallel()
	testRunOnceTwice(t, fileTarget(t), serviceAccountConfigVars)
}

func TestRunOnceTwiceElasticsearch(t *testing.T) {
	t.Parallel()
	testRunOnceTwice(t, searchTarget(t, "ES"), serviceAccountCLIVars)
}

func TestRunOnceTwiceOpenSearch(t *testing.T) {
	t.Parallel()
	testRunOnceTwice(t, searchTarget(t, "OS"), apiKeyConfigVars)
}

// testRunOnceTwice: two passes of `run --once`; the second re-reads the
// overlap, and nothing is stored twice; what is stored is exactly what was
// served inside the recorded coverage, which runs without a gap from the
// first pass's start to the second's end.
func testRunOnceTwice(t *testing.T, tg target, kind credKind) {
	binary(t)
	fake, srv, e := continuousEnv(t, tg, kind, 2002)

	first := time.Now()
	r := aspaudit(t, e, "run", "--once", "--report", "json")
	mustExit(t, r, exitOK, "first run --once")
	rep1 := parseReport(t, r)
	if rep1.Command != "run" || rep1.WindowsFailed != 0 || rep1.EventsStored == 0 || rep1.Duplicates != 0 {
		t.Errorf("first pass: %+v; want events stored, no failure, no duplicate", rep1)
	}
	cov1 := coverageOf(t, tg.checkpoints(t))

	fake.ResetRequests()
	r = aspaudit(t, e, "run", "--once", "--report", "json")
	mustExit(t, r, exitOK, "second run --once")
	rep2 := parseReport(t, r)
	if rep2.WindowsFailed != 0 || rep2.Duplicates == 0 {
		t.Errorf("second pass: %+v; want the overlap re-read (duplicates > 0), no failure", rep2)
	}
	cov2 := coverageOf(t, tg.checkpoints(t))

	for _, ws := range e2eWorkspaces {
		c1, c2 := cov1[ws], cov2[ws]
		if len(c1) != 1 || len(c2) != 1 {
			t.Fatalf("%s: coverage after pass 1 %v, after pass 2 %v; want one range each", ws, c1, c2)
		}
		if floor := first.Add(-runStart - time.Minute); c1[0].Start.Before(floor) {
			t.Errorf("%s: the first pass started at %s, more than pipeline.start before it ran", ws, c1[0].Start)
		}
		if !c2[0].Start.Equal(c1[0].Start) || c2[0].End.Before(c1[0].End) {
			t.Errorf("%s: coverage went from %v to %v; want it extended forward", ws, c1, c2)
		}
		wantStart := c1.Last().Add(-runOverlap).Unix()
		if got := earliestStart(t, fake.auditRequests(), ws); got != wantStart {
			t.Errorf("%s: the second pass first asked from %s; want the end of coverage minus the overlap, %s",
				ws, time.Unix(got, 0).UTC(), time.Unix(wantStart, 0).UTC())
		}
	}
	want := srv.ids(covered(cov2))
	got := tg.stored(t)
	idDiff(t, "after two passes", want, got)
	if n := rep1.EventsStored + rep2.EventsStored; n != int64(len(got)) {
		t.Errorf("the passes report %d + %d events stored; the sink holds %d", rep1.EventsStored, rep2.EventsStored, len(got))
	}
}

// earliestStart returns the smallest startDate of the audit-log requests
// for ws.
func earliestStart(t *testing.T, reqs []atlastest.Request, ws string) int64 {
	t.Helper()
	min := int64(-1)
	for _, r := range reqs {
		if r.Workspace != ws {
			continue
		}
		s, err := strconv.ParseInt(r.Query.Get("startDate"), 10, 64)
		if err != nil {
			t.Fatalf("request %s: startDate: %v", r.Query.Encode(), err)
		}
		if min < 0 || s < min {
			min = s
		}
	}
	if min < 0 {
		t.Fatalf("no audit-log request for %s", ws)
	}
	return min
}

func TestRunOnceConcurrentFileSink(t *testing.T) {
	t.Parallel()
	testRunOnceConcurrent(t, fileTarget(t))
}

func TestRunOnceConcurrentElasticsearch(t *testing.T) {
	t.Parallel()
	testRunOnceConcurrent(t, searchTarget(t, "ES"))
}

// testRunOnceConcurrent: two `run --once` on the same configuration at the
// same time neither double data nor lose coverage.
func testRunOnceConcurrent(t *testing.T, tg target) {
	binary(t)
	fake, srv, e := continuousEnv(t, tg, serviceAccountConfigVars, 3003)
	fake.setDelay(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	procs := []*proc{start(t, ctx, e, "run", "--once", "--report", "json"), start(t, ctx, e, "run", "--once", "--report", "json")}
	var stored int64
	for _, p := range procs {
		r := p.wait(t)
		mustExit(t, r, exitOK, "concurrent run --once")
		stored += parseReport(t, r).EventsStored
	}
	cov := coverageOf(t, tg.checkpoints(t))
	for _, ws := range e2eWorkspaces {
		if len(cov[ws]) != 1 {
			t.Errorf("%s: coverage %v; want one range", ws, cov[ws])
		}
	}
	got := tg.stored(t)
	idDiff(t, "after two concurrent passes", srv.ids(covered(cov)), got)
	if stored != int64(len(got)) {
		t.Errorf("the two processes report %d events stored in all; the sink holds %d", stored, len(got))
	}
}
