package main

import (
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/oplog"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestRunOnceBothLogTypesFileSink(t *testing.T) {
	t.Parallel()
	testRunOnceBothLogTypes(t, fileTarget(t))
}

func TestRunOnceBothLogTypesElasticsearch(t *testing.T) {
	t.Parallel()
	testRunOnceBothLogTypes(t, searchTarget(t, "ES"))
}

func TestRunOnceBothLogTypesOpenSearch(t *testing.T) {
	t.Parallel()
	testRunOnceBothLogTypes(t, searchTarget(t, "OS"))
}

// testRunOnceBothLogTypes: two passes of `run --once` with both log types
// store every audit and every operational line of the followed range once,
// the second pass re-reading its overlap without doubling anything, and
// store nothing that was not served.
func testRunOnceBothLogTypes(t *testing.T, tg target) {
	binary(t)
	fake, srv, e := continuousEnv(t, tg, serviceAccountConfigVars, 4004)
	now := time.Now().UTC()
	served := map[string]time.Time{}
	for i, ws := range e2eWorkspaces {
		lines := atlastest.OperationalGenerator{Seed: uint64(60 + i)}.Lines(now.Add(-8*time.Hour), now.Add(time.Hour), 600)
		fake.AddOperationalLines(e2eProject, ws, lines)
		for _, l := range lines {
			served[oplog.DocumentID(e2eProject, ws, []byte(l.Text))] = l.Time
		}
	}
	base, opsPrefix := opsTarget(t, tg)
	e = e.with(envPairs(base)...).with("ASPAUDIT_ATLAS__LOG_TYPES", "audit,operational")

	for pass := 1; pass <= 2; pass++ {
		r := aspaudit(t, e, "run", "--once", "--report", "json")
		mustExit(t, r, exitOK, "run --once with both log types")
		if rep := parseReport(t, r); rep.WindowsFailed != 0 || rep.DeadLettered != 0 || (pass == 2 && rep.Duplicates == 0) {
			t.Errorf("pass %d: %+v; want no failure, nothing dead-lettered (and the overlap re-read on pass 2)", pass, rep)
		}
	}
	got := tg.stored(t)
	if opsPrefix != "" {
		for id, n := range searchIDs(t, tg.url, opsPrefix+"-*") {
			got[id] += n
		}
	}
	audit := srv.ids(nil)
	// Inside the followed range (pipeline.start back, lag behind), with a
	// margin for the seconds the passes took: every line must be there.
	from, to := now.Add(-runStart+time.Minute), now.Add(-2*time.Minute)
	inside := 0
	for id, at := range served {
		if !at.Before(from) && at.Before(to) {
			inside++
			if got[id] != 1 {
				t.Errorf("operational line of %s stored %d times, want once", at.Format(time.RFC3339), got[id])
			}
		}
	}
	for id, n := range got {
		_, ops := served[id]
		switch {
		case !ops && !audit[id]:
			t.Errorf("stored %s, which was never served", id)
		case n != 1:
			t.Errorf("%s stored %d times", id, n)
		}
	}
	if inside == 0 {
		t.Fatal("no operational line inside the followed range: the test proves nothing")
	}
}
