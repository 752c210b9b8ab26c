package main

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/oplog"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestCrashBothLogTypesFileSink(t *testing.T) {
	t.Parallel()
	testCrashBothLogTypes(t, fileTarget(t))
}

func TestCrashBothLogTypesElasticsearch(t *testing.T) {
	t.Parallel()
	testCrashBothLogTypes(t, searchTarget(t, "ES"))
}

func TestCrashBothLogTypesOpenSearch(t *testing.T) {
	t.Parallel()
	testCrashBothLogTypes(t, searchTarget(t, "OS"))
}

// testCrashBothLogTypes backfills both log types from a fake that also
// answers some requests 503 or 429 and cuts some bodies, killing the
// backfill with SIGKILL several times: afterwards every audit and every
// operational line is stored exactly once.
func testCrashBothLogTypes(t *testing.T, tg target) {
	binary(t)
	fake, srv, e, args := crashSetup(t, tg, 4114)
	fake.SetFaults(atlastest.Faults{Unavailable: 0.05, Throttle: 0.03, Cut: 0.03, RetryAfter: 100 * time.Millisecond})
	want := srv.ids(nil)
	for i, ws := range e2eWorkspaces {
		lines := atlastest.OperationalGenerator{Seed: uint64(90 + i)}.Lines(crashFrom, crashTo, 2000)
		fake.AddOperationalLines(e2eProject, ws, lines)
		for _, l := range lines {
			want[oplog.DocumentID(e2eProject, ws, []byte(l.Text))] = true
		}
	}
	base, opsPrefix := opsTarget(t, tg)
	e = e.with(envPairs(base)...).with("ASPAUDIT_ATLAS__LOG_TYPES", "audit,operational")

	kills := 0
	for attempt := 0; kills < 5 && attempt < 20; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		p := start(t, ctx, e, args...)
		time.Sleep(300*time.Millisecond + time.Duration(attempt%5)*250*time.Millisecond)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		r := p.wait(t)
		cancel()
		if r.signaled {
			kills++
			continue
		}
		if r.code == exitOK {
			break
		}
	}
	if kills == 0 {
		t.Fatal("no kill landed: make the fake slower")
	}
	fake.SetFaults(atlastest.Faults{})
	r := aspaudit(t, e, args...)
	mustExit(t, r, exitOK, "backfill after the kills")
	got := tg.stored(t)
	if opsPrefix != "" {
		for id, n := range searchIDs(t, tg.url, opsPrefix+"-*") {
			got[id] += n
		}
	}
	t.Logf("%d kills", kills)
	idDiff(t, "both logs after the kills", want, got)
}
