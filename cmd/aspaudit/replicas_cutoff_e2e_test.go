package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestReplicaCutOffFromTheCluster(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, which string }{{"Elasticsearch", "ES"}, {"OpenSearch", "OS"}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			testCutOff(t, c.which)
		})
	}
}

// testCutOff (issue 13.5): one of three replicas loses the cluster (every
// request it sends is dropped) for twice the lease TTL, then gets it back.
// The others take its projects over within the TTL plus a renew tick; it
// stops following them before its lease runs out (no Atlas download of
// them after that), writes no checkpoint of a project it no longer holds,
// and once back it gets its share again. Every event is stored exactly
// once and coverage has no gap.
func testCutOff(t *testing.T, which string) {
	binary(t)
	u := searchtest.Require(t, which)
	cut := newCutProxy(t, u)
	tg := searchTargetAt(t, which, u, u)
	const projects = 6
	now := time.Now().UTC()
	in := &atlastest.Ingestion{Start: now.Add(-repStart + 10*time.Second), Every: repEvery, MaxDelay: repMaxDelay, Late: repLate}
	fl := newFleet(t, projects, in)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rs := &replicaSet{t: t, ctx: ctx, fl: fl, e: replicaEnv(fl, tg)}
	store := tg.checkpoints(t)
	cut.watch(tg.state, fl.series)

	rs.start("replica-1")
	rs.start("replica-2")
	section := "ASPAUDIT_SINK__" + strings.ToUpper(tg.env["ASPAUDIT_SINK__TYPE"]) + "__URLS"
	victim := rs.startWith("replica-3", section, cut.URL)
	rs.waitBalanced(projects, time.Minute)
	held := victim.held()
	if len(held) == 0 {
		t.Fatalf("%s holds no project", victim.id)
	}

	cutAt := cut.set(true)
	got := takeovers(func() []*replica { return rs.others(victim) }, victim.holder(), held, cutAt, 3*repTTL+30*time.Second)
	for _, p := range held {
		d, ok := got[p]
		switch {
		case !ok:
			t.Errorf("project %s of %s, cut off from the cluster, was not taken over", p, victim.id)
		case d > repTTL+repTick+repSlack:
			t.Errorf("project %s taken over %s after %s was cut off; want at most %s", p, d.Round(time.Millisecond), victim.id, repTTL+repTick+repSlack)
		default:
			t.Logf("project %s taken over %s after %s was cut off", p, d.Round(10*time.Millisecond), victim.id)
		}
	}
	if wait := time.Until(cutAt.Add(2 * repTTL)); wait > 0 {
		time.Sleep(wait)
	}
	// Its lease ran out at most a TTL after the cut: from then on it must
	// have stopped following those projects.
	for _, d := range fl.downloadsSince(cutAt.Add(repTTL)) {
		if d.replica == victim.id && slices.Contains(held, d.project) {
			t.Errorf("%s, cut off from the cluster at %s, downloaded %s/%s at %s, after its lease ran out",
				victim.id, cutAt.Format(time.TimeOnly), d.project, d.workspace, d.at.Format(time.TimeOnly))
		}
	}
	lost := 0
	for _, ev := range victim.leaseEvents() {
		if ev.Msg == msgLeaseLost && ev.At.After(cutAt) {
			lost++
		}
	}
	if lost < len(held) {
		t.Errorf("%s logged %q %d times for the %d projects it held when cut off", victim.id, msgLeaseLost, lost, len(held))
	}
	cut.set(false)
	rs.waitBalanced(projects, time.Minute)

	stop := in.Stop()
	eventually(t, 2*time.Minute, "coverage past the last publication", func() bool {
		return !fl.coveredUntil(store).Before(stop.Add(repMaxDelay + repPoll))
	})
	waitStable(t, tg)
	for _, r := range rs.alive() {
		r.stop(t)
	}
	idDiff(t, "after the cut", fl.served(t), tg.stored(t))
	checkNoGap(t, fl, store, stop)
	checkOneFollower(t, rs)
	checkNoStaleCheckpoint(t, victim, cut.checkpointWrites())
}

// checkNoStaleCheckpoint fails when r wrote a project's checkpoint while
// its log says it did not hold the project.
func checkNoStaleCheckpoint(t *testing.T, r *replica, writes []checkpointWrite) {
	t.Helper()
	evs := r.leaseEvents()
	for _, w := range writes {
		holds := false
		for _, ev := range evs {
			if ev.Project == w.project && ev.At.Before(w.at) {
				holds = ev.Msg == msgLeaseTaken
			}
		}
		if !holds {
			t.Errorf("%s wrote the checkpoint of project %s at %s without holding its lease", r.id, w.project, w.at.Format("15:04:05.000"))
		}
	}
	t.Logf("%s wrote %d checkpoints through the proxy, each of a project it held", r.id, len(writes))
}

// cutProxy stands between one replica and the cluster: it drops every
// request while cut, and records the checkpoint writes it forwards.
type cutProxy struct {
	*searchtest.Proxy
	mu     sync.Mutex
	cut    bool
	paths  map[string]string // checkpoint document path -> project
	writes []checkpointWrite
}

// checkpointWrite is one checkpoint write a replica sent.
type checkpointWrite struct {
	at      time.Time
	project string
}

func newCutProxy(t *testing.T, u string) *cutProxy {
	c := &cutProxy{Proxy: searchtest.NewProxy(t, u), paths: map[string]string{}}
	c.Decide(func(_ int, r *http.Request, _ []byte) searchtest.Fault {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.cut {
			return searchtest.Drop
		}
		if p, ok := c.paths[r.URL.Path]; ok && r.Method != http.MethodGet && r.Method != http.MethodHead {
			c.writes = append(c.writes, checkpointWrite{at: time.Now(), project: p})
		}
		return searchtest.Pass
	})
	return c
}

// watch makes the proxy record writes of the series' checkpoint documents
// in the state index (their ids as sinks/search/state derives them).
func (c *cutProxy) watch(stateIndex string, series []pipeline.Series) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range series {
		sum := sha256.Sum256([]byte(s.ProjectID + "\x00" + s.Workspace + "\x00" + s.Processor))
		c.paths["/"+stateIndex+"/_doc/"+hex.EncodeToString(sum[:16])] = s.ProjectID
	}
}

// set cuts the replica off (or lets it through again) and returns when.
func (c *cutProxy) set(cut bool) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cut = cut
	return time.Now()
}

func (c *cutProxy) checkpointWrites() []checkpointWrite {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.writes)
}
