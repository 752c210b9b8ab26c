package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// The crash and outage tests backfill 5 days in 1h windows from a fake
// that takes 200ms to answer each download: about 240 windows, some ten
// seconds of work, so that kills and outages land mid-run.
var (
	crashFrom = time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	crashTo   = crashFrom.Add(5 * 24 * time.Hour)
)

const (
	crashKills = 10
	crashDelay = 200 * time.Millisecond
)

func crashSetup(t *testing.T, tg target, seed uint64) (*fakeAtlas, served, env, []string) {
	t.Helper()
	fake := newFakeAtlas(t, atlastest.Config{Body: atlastest.Body{Shape: atlastest.Members, LinesPerMember: 50}})
	srv := serveGenerated(fake, seed, crashFrom, crashTo, 3000)
	fake.setDelay(crashDelay)
	e := fake.env(serviceAccountConfigVars).with("ASPAUDIT_PIPELINE__WINDOW", "1h").with(envPairs(tg.env)...)
	if kind := tg.env["ASPAUDIT_SINK__TYPE"]; kind != "file" {
		section := "ASPAUDIT_SINK__" + strings.ToUpper(kind) + "__"
		e = e.with(section+"RETRY__INITIAL", "100ms", section+"RETRY__MAX", "1s")
	}
	args := []string{"backfill", "--from", crashFrom.Format(time.RFC3339), "--to", crashTo.Format(time.RFC3339), "--report", "json"}
	return fake, srv, e, args
}

func TestCrashFileSink(t *testing.T) {
	t.Parallel()
	testCrash(t, fileTarget(t))
}

func TestCrashElasticsearch(t *testing.T) {
	t.Parallel()
	testCrash(t, searchTarget(t, "ES"))
}

// testCrash kills a backfill with SIGKILL at random moments, at least
// crashKills times in a row, restarting it each time, then lets it finish:
// the stored set must equal the served set, with no duplicate.
func testCrash(t *testing.T, tg target) {
	binary(t)
	_, srv, e, args := crashSetup(t, tg, 4004)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("ASPAUDIT_E2E_KILL_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("ASPAUDIT_E2E_KILL_SEED: %v", err)
		}
		seed = n
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("kill moments seeded with ASPAUDIT_E2E_KILL_SEED=%d", seed)

	kills, finished := 0, false
	for attempt := 0; kills < crashKills && attempt < 4*crashKills; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		p := start(t, ctx, e, args...)
		wait := 100*time.Millisecond + time.Duration(rng.Int64N(int64(1400*time.Millisecond)))
		time.Sleep(wait)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		r := p.wait(t)
		cancel()
		if r.signaled {
			kills++
			continue
		}
		// It ended before the kill landed: it must have finished, with
		// success. A run that gave up early is a bug; report it and go on
		// restarting, to check the rest of the guarantee.
		if r.code == exitOK {
			finished = true
			break
		}
		t.Errorf("a backfill ended by itself before its kill, exit %d (want 0, or a kill):\n%s", r.code, r)
	}
	if kills < crashKills {
		t.Fatalf("only %d kills landed before the backfill finished (finished: %v); make the fake slower", kills, finished)
	}
	r := aspaudit(t, e, args...)
	mustExit(t, r, exitOK, "backfill after the kills")
	rep := parseReport(t, r)
	total := len(e2eWorkspaces) * int(crashTo.Sub(crashFrom)/time.Hour)
	t.Logf("after %d kills, the last run had %d of %d windows left", kills, rep.WindowsPlanned, total)
	idDiff(t, "after the kills", srv.ids(nil), tg.stored(t))
	checkCovered(t, tg, pipeline.Range{Start: crashFrom, End: crashTo})
}

// checkCovered fails unless every workspace's coverage holds rg.
func checkCovered(t *testing.T, tg target, rg pipeline.Range) {
	t.Helper()
	for ws, c := range coverageOf(t, tg.checkpoints(t)) {
		if !c.Covers(rg) {
			t.Errorf("%s: coverage %v does not hold %v", ws, c, rg)
		}
	}
}

// TestSinkOutageElasticsearch: the connection to Elasticsearch breaks
// mid-run (connections dropped, then refused) for a few seconds; the
// backfill rides it out (or a re-run completes it) and stores every line
// exactly once.
func TestSinkOutageElasticsearch(t *testing.T) {
	t.Parallel()
	binary(t)
	u := searchtest.Require(t, "ES")
	proxy := newTCPProxy(t, hostPort(t, u))
	tg := searchTargetAt(t, "ES", u, proxy.URL())
	_, srv, e, args := crashSetup(t, tg, 5005)

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	p := start(t, ctx, e, args...)
	// Let it store something first, so that the outage is mid-run.
	eventually(t, time.Minute, "the first events stored", func() bool {
		passed, _ := proxy.stats()
		return passed > 0 && countDocs(t, u, tg.prefix+"-*") > 0
	})
	proxy.set(proxyDrop)
	time.Sleep(2 * time.Second)
	proxy.set(proxyRefuse)
	time.Sleep(2 * time.Second)
	proxy.set(proxyPass)
	r := p.wait(t)
	_, dropped := proxy.stats()
	t.Logf("outage: %d connections dropped; the backfill exited %d", dropped, r.code)
	if r.code == exitIncomplete {
		// Allowed: windows that exhausted their retries stay uncovered,
		// and the next run completes them.
		r = aspaudit(t, e, args...)
	}
	mustExit(t, r, exitOK, "backfill through the outage")
	parseReport(t, r)
	if dropped == 0 {
		t.Errorf("no connection was attempted during the outage: it did not land mid-run")
	}
	idDiff(t, "after the outage", srv.ids(nil), tg.stored(t))
	checkCovered(t, tg, pipeline.Range{Start: crashFrom, End: crashTo})
}

// TestCoverageReadRetriedElasticsearch: a transient error reading the
// checkpoints (a 503, as when a kill -9 interrupted the creation of the
// state index and its shard is not allocated yet) is retried like any
// transient error, not reported as a failed series at once; by backfill
// and by run --once alike.
func TestCoverageReadRetriedElasticsearch(t *testing.T) {
	t.Parallel()
	binary(t)
	u := searchtest.Require(t, "ES")
	now := time.Now().UTC()
	for _, tc := range []struct {
		name     string
		from, to time.Time
		args     []string
	}{
		{"backfill", crashFrom, crashFrom.Add(12 * time.Hour),
			[]string{"backfill", "--from", crashFrom.Format(time.RFC3339), "--to", crashFrom.Add(12 * time.Hour).Format(time.RFC3339), "--report", "json"}},
		{"run --once", now.Add(-3 * time.Hour), now.Add(time.Hour),
			[]string{"run", "--once", "--report", "json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			proxy := searchtest.NewProxy(t, u)
			tg := searchTargetAt(t, "ES", u, proxy.URL)
			fake := newFakeAtlas(t, atlastest.Config{})
			srv := serveGenerated(fake, 6006, tc.from, tc.to, 200)
			var mu sync.Mutex
			failed := 0
			proxy.Decide(func(_ int, r *http.Request, _ []byte) searchtest.Fault {
				mu.Lock()
				defer mu.Unlock()
				if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/"+tg.state+"/_doc/") && failed < 2 {
					failed++
					return searchtest.Unavailable
				}
				return searchtest.Pass
			})
			e := fake.env(serviceAccountConfigVars).with(
				"ASPAUDIT_PIPELINE__WINDOW", "1h",
				"ASPAUDIT_PIPELINE__START", "2h",
				"ASPAUDIT_PIPELINE__LAG", "1m",
			).with(envPairs(tg.env)...)
			r := aspaudit(t, e, tc.args...)
			mu.Lock()
			n := failed
			mu.Unlock()
			if n == 0 {
				t.Fatalf("no checkpoint read went through the proxy\n%s", r)
			}
			mustExit(t, r, exitOK, tc.name+" whose first checkpoint reads get 503")
			cov := coverageOf(t, tg.checkpoints(t))
			idDiff(t, "after transient checkpoint read errors", srv.ids(covered(cov)), tg.stored(t))
		})
	}
}
