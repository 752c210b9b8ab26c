package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// The replica test's timing, scaled down from the defaults (5m poll, 10m
// lag, 30m overlap, 30s lease TTL) so that it runs in about a minute and a
// half: events are published up to repMaxDelay late, three times the lag,
// so that many are missed by the first read of their window and found by
// the overlap's re-read, also across a takeover.
const (
	repProjects = 8 // 12 series: every other project has two workspaces
	repKills    = 3
	repTTL      = 5 * time.Second
	repTick     = repTTL / 3 // the renew period
	repPoll     = 2 * time.Second
	repLag      = 2 * time.Second
	repOverlap  = 15 * time.Second
	repWindow   = 30 * time.Second
	repStart    = time.Minute
	repEvery    = 400 * time.Millisecond // one event per workspace
	repMaxDelay = 6 * time.Second
	repLate     = 0.3
	// repQuiet is the stretch over which Atlas requests are counted.
	repQuiet = 8 * time.Second
	// repSlack is added to the takeover bound (TTL + one renew tick) for
	// the round trips to the cluster on a loaded machine.
	repSlack = time.Second
)

func TestReplicasTakeOver(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, which string }{{"Elasticsearch", "ES"}, {"OpenSearch", "OS"}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			testReplicas(t, searchTarget(t, c.which))
		})
	}
}

// testReplicas (issue 13.5): `run` replicas on one cluster split the
// projects and take over from one another. One replica alone gives the
// baseline of Atlas requests per pass; two more join and the projects are
// split (each held by one, none above its fair share + 1); three times the
// holder of a project that is getting events is killed -9 and a new
// replica started in its place, and its projects must be taken over within
// the lease TTL plus one renew tick; then the ingestion stops, the
// replicas catch up and are stopped with SIGTERM. Every event that
// happened is stored exactly once, every series' coverage runs without a
// gap from the first pass to past the end, no two replicas followed a
// project at once, and three replicas make about as many Atlas requests
// per pass as one.
func testReplicas(t *testing.T, tg target) {
	binary(t)
	now := time.Now().UTC()
	in := &atlastest.Ingestion{Start: now.Add(-repStart + 10*time.Second), Every: repEvery, MaxDelay: repMaxDelay, Late: repLate}
	fl := newFleet(t, repProjects, in)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	rs := &replicaSet{t: t, ctx: ctx, fl: fl, e: replicaEnv(fl, tg)}
	store := tg.checkpoints(t)

	rs.start("replica-1")
	waitCaughtUp(t, fl, store)
	waitPhase(repWindow, repLag+time.Second)
	one, n1, by1 := fl.perPass(repQuiet, repPoll)
	t.Logf("one replica: %s", by1)

	rs.start("replica-2")
	rs.start("replica-3")
	rs.waitBalanced(repProjects, time.Minute)
	waitPhase(repWindow, repLag+time.Second)
	three, n3, by3 := fl.perPass(repQuiet, repPoll)
	t.Logf("three replicas: %s", by3)
	t.Logf("Atlas downloads per %s pass, %d series: one replica %.1f (%d in %s), three replicas %.1f (%d)",
		repPoll, len(fl.series), one, n1, repQuiet, three, n3)
	if three > 1.35*one || three < 0.65*one {
		t.Errorf("three replicas make %.1f downloads per pass, one made %.1f: want about as many", three, one)
	}

	for k := range repKills {
		killOne(t, rs, k)
	}

	stop := in.Stop()
	caughtUp := stop.Add(repMaxDelay + repPoll)
	eventually(t, 2*time.Minute, "coverage past the last publication", func() bool {
		return !fl.coveredUntil(store).Before(caughtUp)
	})
	waitStable(t, tg)
	for _, r := range rs.alive() {
		r.stop(t)
	}
	t.Logf("%d events reached by a download before they were published (found again by later reads)", in.ReachedUnpublished())
	if in.ReachedUnpublished() == 0 {
		t.Errorf("no event was published late: the test does not exercise late arrivals")
	}
	idDiff(t, "after three kills", fl.served(t), tg.stored(t))
	checkNoGap(t, fl, store, stop)
	checkOneFollower(t, rs)
}

// replicaEnv is the environment every replica shares; each adds its
// replica_id and Atlas front.
func replicaEnv(fl *fleet, tg target) env {
	e := fl.fake.env(serviceAccountConfigVars).with(
		"ASPAUDIT_ATLAS__PROJECTS", strings.Join(fl.projects, ","),
		"ASPAUDIT_PIPELINE__START", repStart.String(),
		"ASPAUDIT_PIPELINE__LAG", repLag.String(),
		"ASPAUDIT_PIPELINE__OVERLAP", repOverlap.String(),
		"ASPAUDIT_PIPELINE__WINDOW", repWindow.String(),
		"ASPAUDIT_PIPELINE__POLL_INTERVAL", repPoll.String(),
		"ASPAUDIT_PIPELINE__SHUTDOWN_TIMEOUT", "5s",
		"ASPAUDIT_PIPELINE__LEASE_TTL", repTTL.String(),
	).with(envPairs(tg.env)...)
	section := "ASPAUDIT_SINK__" + strings.ToUpper(tg.env["ASPAUDIT_SINK__TYPE"]) + "__"
	return e.with(section+"RETRY__INITIAL", "100ms", section+"RETRY__MAX", "1s")
}

// waitPhase sleeps until offset past the next multiple of window: a pass
// reads one window or two (the overlap reaching back into the previous
// one) depending on where now falls between multiples, so the two
// stretches whose requests are compared start at the same phase.
func waitPhase(window, offset time.Duration) {
	now := time.Now()
	next := now.Truncate(window).Add(offset)
	if next.Before(now) {
		next = next.Add(window)
	}
	time.Sleep(time.Until(next))
}

// waitCaughtUp waits until every series is covered to within a few polls
// of now.
func waitCaughtUp(t *testing.T, fl *fleet, store pipeline.CheckpointStore) {
	t.Helper()
	eventually(t, 2*time.Minute, "every series caught up", func() bool {
		return fl.coveredUntil(store).After(time.Now().Add(-repLag - 3*repPoll))
	})
}

// killOne kills -9 the holder of a project that is getting events (round
// k picks from the k-th project on), starts a replica in its place, and
// checks that the killed one's projects were taken over within the lease
// TTL plus one renew tick, measured from the kill.
func killOne(t *testing.T, rs *replicaSet, k int) {
	t.Helper()
	victim, project := activeHolder(t, rs, k)
	held := victim.held()
	killedAt := victim.kill(t)
	rs.start(fmt.Sprintf("replica-%d", 4+k))
	bound := repTTL + repTick + repSlack
	got := takeovers(rs.alive, victim.holder(), held, killedAt, 3*repTTL+30*time.Second)
	var figures []string
	for _, p := range held {
		d, ok := got[p]
		switch {
		case !ok:
			t.Errorf("kill %d: project %s of the killed %s was not taken over (no %q line with from=%s)", k+1, p, victim.id, msgLeaseTaken, victim.holder())
		case d > bound:
			t.Errorf("kill %d: project %s taken over %s after the kill; want at most the TTL + a renew tick + %s = %s", k+1, p, d.Round(time.Millisecond), repSlack, bound)
		}
		figures = append(figures, fmt.Sprintf("%s %s", p[len(p)-4:], d.Round(10*time.Millisecond)))
	}
	t.Logf("kill %d: %s (held %d projects, among them %s, which was getting events) taken over: %s",
		k+1, victim.id, len(held), project, strings.Join(figures, ", "))
	rs.waitBalanced(repProjects, time.Minute)
}

// activeHolder returns a live replica and a project it holds that was
// downloaded with events in the last two polls, looking from the k-th
// project on.
func activeHolder(t *testing.T, rs *replicaSet, k int) (*replica, string) {
	t.Helper()
	var found *replica
	var project string
	eventually(t, 30*time.Second, "a held project getting events", func() bool {
		for i := range rs.fl.projects {
			p := rs.fl.projects[(k*3+i)%len(rs.fl.projects)]
			if time.Since(rs.fl.lastDownload(p)) > 2*repPoll {
				continue
			}
			for _, r := range rs.alive() {
				if slices.Contains(r.held(), p) {
					found, project = r, p
					return true
				}
			}
		}
		return false
	})
	return found, project
}

// waitStable waits until two counts of the stored events a poll apart are
// equal.
func waitStable(t *testing.T, tg target) {
	t.Helper()
	last := -1
	eventually(t, time.Minute, "the stored count stable", func() bool {
		searchtest.Refresh(t, tg.url, tg.prefix+"-*")
		n := countDocs(t, tg.url, tg.prefix+"-*")
		stable := n == last
		last = n
		time.Sleep(repPoll)
		return stable
	})
}

// checkNoGap fails unless every series' coverage is one range from the
// first event to past stop.
func checkNoGap(t *testing.T, fl *fleet, store pipeline.CheckpointStore, stop time.Time) {
	t.Helper()
	for s, c := range fl.coverage(t, store) {
		if len(c) != 1 || c[0].Start.After(fl.in.Start) || c[0].End.Before(stop) {
			t.Errorf("%s: coverage %v; want one range from %s (the first event) to past %s (the stop)", s, c, fl.in.Start.Format(time.TimeOnly), stop.Format(time.TimeOnly))
		}
	}
}

// checkOneFollower fails when a replica downloaded a project again after
// another did, without having taken its lease in between: two replicas
// followed it at once. A replica's runs of downloads of a project (in
// arrival order) must be at most its "project lease taken" lines for it.
func checkOneFollower(t *testing.T, rs *replicaSet) {
	t.Helper()
	runs := map[[2]string]int{}
	byProject := map[string][]fleetDownload{}
	for _, d := range rs.fl.downloadsSince(time.Time{}) {
		byProject[d.project] = append(byProject[d.project], d)
	}
	for p, ds := range byProject {
		sort.SliceStable(ds, func(i, j int) bool { return ds[i].at.Before(ds[j].at) })
		for i, d := range ds {
			if i == 0 || ds[i-1].replica != d.replica {
				runs[[2]string{p, d.replica}]++
			}
		}
	}
	takes := rs.takes()
	for key, n := range runs {
		if n > takes[key] {
			t.Errorf("project %s: %s downloaded it in %d separate runs between other replicas' downloads, but took its lease %d times: two replicas followed it at once",
				key[0], key[1], n, takes[key])
		}
	}
}
