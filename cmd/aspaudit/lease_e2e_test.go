package main

import (
	"context"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestRunReplicasShareAndHandOverElasticsearch and ...OpenSearch: two
// `run` replicas on one cluster, given the same pipeline.replica_id,
// split four projects two and two; when one
// gets SIGTERM it releases its leases and the other takes its projects at
// once (well before the TTL); every event is stored once.
func TestRunReplicasShareAndHandOverElasticsearch(t *testing.T) {
	t.Parallel()
	testRunReplicasShare(t, searchTarget(t, "ES"))
}

func TestRunReplicasShareAndHandOverOpenSearch(t *testing.T) {
	t.Parallel()
	testRunReplicasShare(t, searchTarget(t, "OS"))
}

// leaseProjects are the projects the two replicas share.
var leaseProjects = []string{"5a0000000000000000000001", "5a0000000000000000000002", "5a0000000000000000000003", "5a0000000000000000000004"}

func testRunReplicasShare(t *testing.T, tg target) {
	binary(t)
	fake := newFakeAtlas(t, atlastest.Config{})
	now := time.Now().UTC()
	want := map[string]bool{}
	for i, p := range leaseProjects {
		lines := atlastest.Generator{Seed: 900 + uint64(i)}.Lines(now.Add(-3*time.Hour), now.Add(-2*time.Minute), 300)
		fake.AddWorkspace(p, "ws-lease", lines)
		for _, l := range fake.Lines(p, "ws-lease") {
			if !isBlankText(l.Text) {
				want[transform.DocumentID(p, "ws-lease", []byte(l.Text))] = true
			}
		}
	}
	const ttl = 3 * time.Second
	e := fake.env(serviceAccountConfigVars).with(
		"ASPAUDIT_ATLAS__PROJECTS", strings.Join(leaseProjects, ","),
		"ASPAUDIT_PIPELINE__START", "4h",
		"ASPAUDIT_PIPELINE__LAG", "1m",
		"ASPAUDIT_PIPELINE__WINDOW", "1h",
		"ASPAUDIT_PIPELINE__POLL_INTERVAL", "1s",
		"ASPAUDIT_PIPELINE__SHUTDOWN_TIMEOUT", "2s",
		"ASPAUDIT_PIPELINE__LEASE_TTL", ttl.String(),
	).with(envPairs(tg.env)...)

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	a := startReplica(t, ctx, e, "lease-a")
	eventually(t, time.Minute, "a to hold the 4 projects", func() bool { return a.held(t) == 4 })
	// b is given a's name, as replicas sharing one configuration are:
	// the suffix added at start keeps their leases apart.
	b := startReplica(t, ctx, e, "lease-a")
	eventually(t, time.Minute, "a and b to hold 2 each", func() bool { return a.held(t) == 2 && b.held(t) == 2 })
	if alive := b.metric(t, "aspaudit_replicas_alive"); alive != 2 {
		t.Errorf("b sees %v replicas alive, want 2", alive)
	}
	_, aHealth := httpGet(t, a.base+"/healthz")
	_, bHealth := httpGet(t, b.base+"/healthz")
	aName, bName := leaseHolderName(aHealth), leaseHolderName(bHealth)
	if !strings.HasPrefix(bName, "lease-a-") || !strings.Contains(bHealth, bName+" holds 2 project leases") || aName == bName {
		t.Errorf("/healthz of b does not name its leases under a name of its own (a's %q): %q", aName, bHealth)
	}

	if err := a.p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	mustExit(t, a.p.wait(t), exitOK, "replica a after SIGTERM")
	eventually(t, time.Minute, "b to hold the 4 projects", func() bool { return b.held(t) == 4 })
	t.Logf("b held a's projects %s after a exited (lease TTL %s)", time.Since(stopped).Round(10*time.Millisecond), ttl)
	if n := b.metric(t, "aspaudit_lease_takeovers_total"); n != 0 {
		t.Errorf("b counted %v takeovers: a released its leases, nothing expired", n)
	}
	eventually(t, 2*time.Minute, "every event stored", func() bool { return len(tg.stored(t)) >= len(want) })
	if err := b.p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	mustExit(t, b.p.wait(t), exitOK, "replica b after SIGTERM")
	idDiff(t, "two replicas", want, tg.stored(t))
}

// leaseReplica is one `run` process with its listener.
type leaseReplica struct {
	p    *proc
	base string
}

func startReplica(t *testing.T, ctx context.Context, e env, id string) *leaseReplica {
	t.Helper()
	p := start(t, ctx, e.with("ASPAUDIT_PIPELINE__REPLICA_ID", id), "run", "--listen", "127.0.0.1:0")
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	var addr string
	eventually(t, time.Minute, id+"'s listener address in the log", func() bool {
		addr = listenAddr(p.stderr.String())
		return addr != ""
	})
	return &leaseReplica{p: p, base: "http://" + addr}
}

func (r *leaseReplica) metric(t *testing.T, name string) float64 {
	_, body := httpGet(t, r.base+"/metrics")
	return metricValue(body, name)
}

func (r *leaseReplica) held(t *testing.T) float64 { return r.metric(t, "aspaudit_projects_held") }

// leaseHolderName returns the replica's name in a /healthz answer.
func leaseHolderName(health string) string {
	_, rest, ok := strings.Cut(health, "replica ")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, " ")
	return name
}

// TestRunStateIndexMappingRefused: `run` shares projects through leases in
// the state index, whose mapping it extends (an index made before leases
// lacks their fields). When the cluster refuses that (403
// security_exception: a role without indices:admin/mapping/put on the
// state index), run exits 2 at once, saying to run setup or to grant the
// privilege and naming the missing action; `run --once`, which takes no
// lease, is not affected.
func TestRunStateIndexMappingRefused(t *testing.T) {
	for _, which := range []string{"ES", "OS"} {
		t.Run(which, func(t *testing.T) {
			t.Parallel()
			binary(t)
			u := searchtest.Require(t, which)
			proxy := searchtest.NewProxy(t, u)
			tg := searchTargetAt(t, which, u, proxy.URL)
			proxy.Decide(func(_ int, r *http.Request, _ []byte) searchtest.Fault {
				if r.Method == http.MethodPut && r.URL.Path == "/"+tg.state+"/_mapping" {
					return searchtest.Forbidden
				}
				return searchtest.Pass
			})
			fake := newFakeAtlas(t, atlastest.Config{})
			now := time.Now().UTC()
			fake.AddWorkspace(leaseProjects[0], "ws-mapping", atlastest.Generator{Seed: 77}.Lines(now.Add(-2*time.Hour), now.Add(-5*time.Minute), 50))
			e := fake.env(serviceAccountConfigVars).with(
				"ASPAUDIT_ATLAS__PROJECTS", leaseProjects[0],
				"ASPAUDIT_PIPELINE__START", "3h",
				"ASPAUDIT_PIPELINE__LAG", "1m",
				"ASPAUDIT_PIPELINE__WINDOW", "1h",
			).with(envPairs(tg.env)...)

			r := aspaudit(t, e, "run")
			mustExit(t, r, exitUsage, "run whose state index mapping update is refused")
			for l := range strings.Lines(r.stderr) {
				if strings.HasPrefix(l, "aspaudit run:") {
					t.Log(strings.TrimSpace(l))
				}
			}
			for _, want := range []string{"aspaudit setup", "mapping", tg.state, "indices:admin/mapping/put"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("run's error does not say %q:\n%s", want, r.stderr)
				}
			}
			if n := proxy.Count(searchtest.Forbidden); n != 1 {
				t.Errorf("the mapping update was tried %d times, want once (a refusal is not retried)", n)
			}
			mustExit(t, aspaudit(t, e, "run", "--once"), exitOK, "run --once, which takes no lease")
		})
	}
}
