package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The log lines of the lease coordinator (issue 13.5).
const (
	msgLeaseTaken    = "project lease taken"
	msgLeaseReleased = "project lease released"
	msgLeaseLost     = "project lease lost, stopped following it"
)

// replica is one `aspaudit run` of the replica tests, with its own
// replica_id, Atlas front and /metrics listener.
type replica struct {
	id   string
	p    *proc
	base string      // http://addr of its listener
	dead bool        // killed or stopped
	done chan result // how it ended, once it did
}

// replicaSet starts and tracks the replicas of one test.
type replicaSet struct {
	t   *testing.T
	ctx context.Context
	e   env
	fl  *fleet
	all []*replica // in start order, dead ones included
}

// start runs a replica named id and waits for its listener.
func (rs *replicaSet) start(id string) *replica {
	rs.t.Helper()
	return rs.startWith(id)
}

// startWith is start with more environment variables (pairs).
func (rs *replicaSet) startWith(id string, kv ...string) *replica {
	t := rs.t
	t.Helper()
	e := rs.e.with("ASPAUDIT_ATLAS__BASE_URL", rs.fl.front(t, id), "ASPAUDIT_PIPELINE__REPLICA_ID", id).with(kv...)
	r := &replica{id: id, p: start(t, rs.ctx, e, "run", "--listen", "127.0.0.1:0"), done: make(chan result, 1)}
	rs.all = append(rs.all, r)
	go func() { r.done <- r.p.wait(t) }()
	t.Cleanup(func() {
		if !r.dead {
			_ = r.p.cmd.Process.Kill()
			<-r.done
		}
	})
	eventually(t, time.Minute, id+"'s listener address in its log", func() bool {
		select {
		case res := <-r.done:
			r.dead = true
			t.Fatalf("%s ended at start: %s", id, res)
		default:
		}
		addr := listenAddr(r.p.stderr.String())
		r.base = "http://" + addr
		return addr != ""
	})
	return r
}

// others returns the live replicas but r.
func (rs *replicaSet) others(r *replica) []*replica {
	var out []*replica
	for _, o := range rs.alive() {
		if o != r {
			out = append(out, o)
		}
	}
	return out
}

// alive returns the replicas not killed or stopped.
func (rs *replicaSet) alive() []*replica {
	var out []*replica
	for _, r := range rs.all {
		if !r.dead {
			out = append(out, r)
		}
	}
	return out
}

// kill ends r with SIGKILL and returns when the signal was sent.
func (r *replica) kill(t *testing.T) time.Time {
	t.Helper()
	at := time.Now()
	if err := r.p.cmd.Process.Kill(); err != nil {
		t.Fatalf("killing %s: %v", r.id, err)
	}
	r.dead = true
	if res := <-r.done; !res.signaled {
		t.Errorf("%s was not killed by the signal: %s", r.id, res)
	}
	return at
}

// stop ends r with SIGTERM and fails unless it exits 0 within a minute.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if err := r.p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM to %s: %v", r.id, err)
	}
	r.dead = true
	select {
	case res := <-r.done:
		mustExit(t, res, exitOK, r.id+" after SIGTERM")
	case <-time.After(time.Minute):
		_ = r.p.cmd.Process.Kill()
		<-r.done
		t.Fatalf("%s still running a minute after SIGTERM\n%s", r.id, tail(r.p.stderr.String(), 4<<10))
	}
}

// metric sums every sample of the named metric (whatever its labels) on
// r's /metrics; -1 when it has none.
func (r *replica) metric(t *testing.T, name string) float64 {
	t.Helper()
	_, text := httpGet(t, r.base+"/metrics")
	return metricSum(text, name)
}

func metricSum(text, name string) float64 {
	sum, found := 0.0, false
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, name)
		if !ok || rest == "" || rest[0] != ' ' && rest[0] != '{' {
			continue
		}
		f := strings.Fields(rest[strings.LastIndex(rest, "}")+1:])
		if len(f) == 0 {
			continue
		}
		var v float64
		if _, err := fmt.Sscan(f[0], &v); err == nil {
			sum, found = sum+v, true
		}
	}
	if !found {
		return -1
	}
	return sum
}

// leaseEvent is one lease log line of a replica.
type leaseEvent struct {
	At      time.Time `json:"time"`
	Msg     string    `json:"msg"`
	Project string    `json:"project"`
	Replica string    `json:"replica"`
	From    string    `json:"from"`
}

// leaseEvents returns r's lease log lines, oldest first.
func (r *replica) leaseEvents() []leaseEvent {
	return r.logLines(msgLeaseTaken, msgLeaseReleased, msgLeaseLost)
}

// logLines returns r's log lines whose message is one of msgs, oldest
// first.
func (r *replica) logLines(msgs ...string) []leaseEvent {
	var out []leaseEvent
	sc := bufio.NewScanner(strings.NewReader(r.p.stderr.String()))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var ev leaseEvent
		if json.Unmarshal(sc.Bytes(), &ev) == nil && slices.Contains(msgs, ev.Msg) {
			out = append(out, ev)
		}
	}
	return out
}

// holder returns r's name in the leases (its replica_id and the suffix
// added at start), from its log, or "" before it said.
func (r *replica) holder() string {
	if evs := r.logLines("sharing projects with other replicas"); len(evs) > 0 {
		return evs[0].Replica
	}
	return ""
}

// held returns the projects r's log says it holds.
func (r *replica) held() []string {
	on := map[string]bool{}
	for _, ev := range r.leaseEvents() {
		on[ev.Project] = ev.Msg == msgLeaseTaken
	}
	var out []string
	for p, h := range on {
		if h {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// balance is how the projects are split between the live replicas.
type balance struct {
	held  map[string]float64 // replica -> aspaudit_projects_held
	alive map[string]float64 // replica -> aspaudit_replicas_alive
	logs  map[string][]string
}

func (b balance) String() string {
	var parts []string
	for id, n := range b.held {
		parts = append(parts, fmt.Sprintf("%s holds %g %v, sees %g alive", id, n, b.logs[id], b.alive[id]))
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// balanced reads every live replica's metrics and logs and reports whether
// the projects are split: each held by exactly one replica, none holding
// more than its fair share + 1, every replica seeing them all alive.
func (rs *replicaSet) balanced(projects int) (balance, bool) {
	live := rs.alive()
	b := balance{held: map[string]float64{}, alive: map[string]float64{}, logs: map[string][]string{}}
	sum, owners := 0.0, map[string]int{}
	fair := math.Ceil(float64(projects) / float64(len(live)))
	ok := true
	for _, r := range live {
		n := r.metric(rs.t, "aspaudit_projects_held")
		b.held[r.id], b.alive[r.id], b.logs[r.id] = n, r.metric(rs.t, "aspaudit_replicas_alive"), r.held()
		sum += n
		ok = ok && n <= fair+1 && b.alive[r.id] == float64(len(live)) && int(n) == len(b.logs[r.id])
		for _, p := range b.logs[r.id] {
			owners[p]++
		}
	}
	for _, n := range owners {
		ok = ok && n == 1
	}
	return b, ok && sum == float64(projects) && len(owners) == projects
}

// waitBalanced waits until balanced holds, failing after timeout.
func (rs *replicaSet) waitBalanced(projects int, timeout time.Duration) balance {
	rs.t.Helper()
	var b balance
	start := time.Now()
	for {
		var ok bool
		if b, ok = rs.balanced(projects); ok {
			rs.t.Logf("balanced after %s: %s", time.Since(start).Round(100*time.Millisecond), b)
			return b
		}
		if time.Since(start) > timeout {
			rs.t.Fatalf("the %d projects are not split between the %d replicas after %s: %s", projects, len(rs.alive()), timeout, b)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// takeovers waits until every project of held was taken from dead, after
// since, by one of the replicas by returns (asked again at each look), and
// returns how long after since each was taken (by the log lines' own
// times); after timeout, the projects not taken over are missing from the
// map.
func takeovers(by func() []*replica, dead string, held []string, since time.Time, timeout time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	deadline := time.Now().Add(timeout)
	for len(out) < len(held) && time.Now().Before(deadline) {
		out = takenFrom(by(), dead, held, since, out)
		time.Sleep(100 * time.Millisecond)
	}
	return out
}

// takenFrom adds to out the projects of held that one of rs logged taking
// from dead after since, with how long after since.
func takenFrom(rs []*replica, dead string, held []string, since time.Time, out map[string]time.Duration) map[string]time.Duration {
	for _, r := range rs {
		for _, ev := range r.leaseEvents() {
			if ev.Msg == msgLeaseTaken && ev.From == dead && slices.Contains(held, ev.Project) && ev.At.After(since) {
				if _, seen := out[ev.Project]; !seen {
					out[ev.Project] = ev.At.Sub(since)
				}
			}
		}
	}
	return out
}

// takes counts each replica's "project lease taken" lines per project.
func (rs *replicaSet) takes() map[[2]string]int {
	out := map[[2]string]int{}
	for _, r := range rs.all {
		for _, ev := range r.leaseEvents() {
			if ev.Msg == msgLeaseTaken {
				out[[2]string{ev.Project, r.id}]++
			}
		}
	}
	return out
}
