package atlas

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// Atlas's Streams bucket (1200 tokens, 500 more every minute) scaled down
// so that a run meets it several times within seconds.
var testBucket = atlastest.RateLimit{Capacity: 20, Refill: 10, Every: time.Second}

// gateSlack is how long after a 429 reached the client a request of the
// project may still leave: one that had passed the project's gate before
// the client read the 429 and paused the project. It is generous, for a
// loaded 2-core CI machine running other packages' tests beside this one;
// a client that does not pause, or pauses too briefly, sends requests
// throughout the rest of the 1 s wait.
const gateSlack = 400 * time.Millisecond

// TestWindowsWithinTheProjectBucket fetches 80 windows (after listing the
// project's workspaces) from a fake enforcing a scaled-down Atlas bucket,
// with the client's own rate limit far above the refill rate and 12 workers
// for 4 concurrent requests, alone and with another client of the project
// draining the bucket mid-run. Every window succeeds, every line arrives
// once and was served once, the client sends nothing to the project while
// a Retry-After it received runs, and so at most Concurrency requests meet
// an empty bucket per refill step.
//
// Without headers (Atlas may leave Retry-After out) the client holds the
// project for its retry policy's first wait, here set to one refill step.
//
// A client slowed down by a loaded machine may not outrun the refill by
// itself (under load it sent 81 requests in 7.4 s against the 94 tokens
// the bucket gave meanwhile): then, after 30 requests without a 429, the
// bucket is emptied right before the next request leaves, as another
// client would, until one meets it.
func TestWindowsWithinTheProjectBucket(t *testing.T) {
	t.Run("alone", func(t *testing.T) {
		t.Parallel()
		runAgainstBucket(t, false, false)
	})
	t.Run("drained by another client", func(t *testing.T) {
		t.Parallel()
		runAgainstBucket(t, true, false)
	})
	t.Run("without Retry-After", func(t *testing.T) {
		t.Parallel()
		runAgainstBucket(t, false, true)
	})
}

func runAgainstBucket(t *testing.T, drain, bare bool) {
	fc := fakeConfig()
	fc.RateLimit = testBucket
	fc.RateLimit.NoHeaders = bare
	srv := atlastest.NewServer(fc)
	defer srv.Close()
	lines := atlastest.GenerateLines(11, day0, day1, 2000)
	srv.AddWorkspace(testProject, "ws", lines)

	cfg := serviceAccount(srv.URL)
	cfg.RateLimit, cfg.RateBurst, cfg.Concurrency = 1000, 100, 4
	if bare {
		// What the client holds the project for without Retry-After; the
		// windows themselves are retried by fetchWindows' fast policy.
		cfg.Retry.Initial = testBucket.Every
		cfg.Retry.Max = max(cfg.Retry.Max, cfg.Retry.Initial)
	}
	base := newTransport(cfg.Timeouts, cfg.Concurrency)
	t.Cleanup(base.CloseIdleConnections)
	d := &drainer{srv: srv.Fake, other: drain}
	calls := &callRecorder{next: base, before: d.before}
	d.calls = calls
	c := newClient(t, cfg, Options{Transport: calls})
	d.gate = c.gates.get(testProject)

	windows := pipeline.Split(pipeline.Series{ProjectID: testProject, Workspace: "ws"}, pipeline.Range{Start: day0, End: day1}, 24*time.Hour/80)
	if len(windows) != 80 {
		t.Fatalf("%d windows", len(windows))
	}
	start := time.Now()
	names, err := c.Workspaces(context.Background(), testProject)
	if err != nil || !slices.Equal(names, []string{"ws"}) {
		t.Fatalf("workspaces %v, %v", names, err)
	}
	got := fetchWindows(t, c, windows, 12)
	elapsed := time.Since(start)

	want := texts(lines, day0, day1, "")
	if len(got) != len(want) || !sameSet(got, want) {
		t.Fatalf("got %d lines, want each of the %d lines exactly once", len(got), len(want))
	}
	checkServedOnce(t, srv.Fake, windows, len(want))
	throttled := checkThrottles(t, srv.Fake, calls.list(), bare)
	checkWaitedAsTold(t, calls.list(), cfg.Retry.Initial)

	// Within one refill step an empty bucket stays empty, and a 429 pauses
	// the project past the next step; so the requests meeting it within a
	// step are those already past the gate when the client read its first
	// 429 there: each holds one of Concurrency slots.
	steps := int(elapsed/testBucket.Every) + 2
	limit := cfg.Concurrency * steps
	t.Logf("%d requests for %d windows in %s: %d answered 429 (at most %d: %d per step, %d steps); other client took %d tokens in %d drains",
		len(calls.list()), len(windows), elapsed.Round(time.Millisecond), len(throttled), limit, cfg.Concurrency, steps, d.taken, d.drains)
	if len(throttled) == 0 {
		t.Errorf("no request met an empty bucket: the test proves nothing")
	}
	if len(throttled) > limit {
		t.Errorf("%d requests answered 429, more than %d per refill step over %d steps", len(throttled), cfg.Concurrency, steps)
	}
	if drain {
		d.mu.Lock()
		taken, at := d.taken, d.first
		d.mu.Unlock()
		if taken == 0 {
			t.Fatalf("the other client never found a token to take")
		}
		if !slices.ContainsFunc(throttled, func(r atlastest.Request) bool { return r.Time.After(at) }) {
			t.Errorf("no 429 after the other client drained the bucket: the variant proves nothing")
		}
	}
}

// TestWorkspacesWaitsForTheBucket lists the workspaces of a project whose
// bucket another client emptied: the list shares the bucket with the
// downloads, and discovery retries after the Retry-After it got, not before.
func TestWorkspacesWaitsForTheBucket(t *testing.T) {
	fc := fakeConfig()
	fc.RateLimit = atlastest.RateLimit{Capacity: 1, Refill: 1, Every: 2 * time.Second}
	srv := atlastest.NewServer(fc)
	defer srv.Close()
	srv.AddWorkspace(testProject, "ws", nil)
	cfg := serviceAccount(srv.URL)
	base := newTransport(cfg.Timeouts, cfg.Concurrency)
	t.Cleanup(base.CloseIdleConnections)
	calls := &callRecorder{next: base}
	c := newClient(t, cfg, Options{Transport: calls})
	if n := srv.TakeTokens(testProject, 1); n != 1 {
		t.Fatalf("took %d tokens of a fresh bucket", n)
	}
	names, err := c.Workspaces(context.Background(), testProject)
	if err != nil || !slices.Equal(names, []string{"ws"}) {
		t.Fatalf("workspaces %v, %v", names, err)
	}
	got := calls.list()
	if len(got) != 2 || got[0].status != http.StatusTooManyRequests || got[1].status != http.StatusOK {
		t.Fatalf("calls %+v, want a 429 and a 200", got)
	}
	secs, err := strconv.Atoi(got[0].retryAfter)
	if wait := got[1].sent.Sub(got[0].answered); err != nil || secs < 1 || wait < time.Duration(secs)*time.Second {
		t.Fatalf("discovery asked again %s after a 429 with Retry-After %q", wait, got[0].retryAfter)
	}
}

// checkServedOnce verifies from the fake's side that each window was served
// exactly once, with n lines in all.
func checkServedOnce(t *testing.T, f *atlastest.Fake, windows []pipeline.Window, n int) {
	t.Helper()
	served := map[string]int{}
	lines := 0
	for _, r := range requestsTo(f, "auditLogs") {
		if r.Status == http.StatusOK {
			served[r.Query.Get("startDate")]++
			lines += r.Lines
		}
	}
	for _, w := range windows {
		if k := strconv.FormatInt(w.Start.Unix(), 10); served[k] != 1 {
			t.Errorf("window %s served %d times", w, served[k])
		}
	}
	if len(served) != len(windows) || lines != n {
		t.Errorf("the fake served %d windows and %d lines, want %d and %d", len(served), lines, len(windows), n)
	}
}

// checkThrottles returns the fake's 429s, checking that each came from the
// bucket with a Retry-After no longer than a step, and that the client saw
// as many as the fake answered.
func checkThrottles(t *testing.T, f *atlastest.Fake, calls []call, bare bool) []atlastest.Request {
	t.Helper()
	var throttled []atlastest.Request
	maxWait := int((testBucket.Every + time.Second - 1) / time.Second)
	for _, r := range f.Requests() {
		if r.Status != http.StatusTooManyRequests {
			continue
		}
		throttled = append(throttled, r)
		if bare {
			if r.Fault != "rate-limit" || r.RetryAfter != "" {
				t.Errorf("429 %s %s: fault %q, Retry-After %q; want a bucket 429 without Retry-After", r.Endpoint, r.Query.Get("startDate"), r.Fault, r.RetryAfter)
			}
			continue
		}
		if secs, err := strconv.Atoi(r.RetryAfter); r.Fault != "rate-limit" || err != nil || secs < 1 || secs > maxWait {
			t.Errorf("429 %s %s: fault %q, Retry-After %q", r.Endpoint, r.Query.Get("startDate"), r.Fault, r.RetryAfter)
		}
	}
	seen := 0
	for _, c := range calls {
		if c.status == http.StatusTooManyRequests {
			seen++
		}
	}
	if seen != len(throttled) {
		t.Errorf("the client saw %d answers 429, the fake sent %d", seen, len(throttled))
	}
	return throttled
}

// checkWaitedAsTold fails when a request to the project left between
// gateSlack after a 429 reached the client and the end of that 429's
// Retry-After, or of bareWait for a 429 without one. The client pauses
// after reading the answer, so the bound is exact at the end.
func checkWaitedAsTold(t *testing.T, calls []call, bareWait time.Duration) {
	t.Helper()
	for _, c := range calls {
		if c.status != http.StatusTooManyRequests {
			continue
		}
		wait := bareWait
		if c.retryAfter != "" {
			secs, _ := strconv.Atoi(c.retryAfter)
			wait = time.Duration(secs) * time.Second
		}
		from, until := c.answered.Add(gateSlack), c.answered.Add(wait)
		for _, o := range calls {
			if !o.sent.Before(from) && o.sent.Before(until) {
				t.Errorf("a request to %s left %s after a 429 asking to wait %s", o.path, o.sent.Sub(c.answered).Round(time.Millisecond), wait)
			}
		}
	}
}

// call is one Streams request as the client's transport saw it.
type call struct {
	path       string
	sent       time.Time
	answered   time.Time
	status     int // 0 when no answer came
	retryAfter string
}

// callRecorder sits beneath authentication and records the Streams
// requests that leave the client; before, if set, runs before each leaves.
type callRecorder struct {
	next   http.RoundTripper
	before func()
	mu     sync.Mutex
	calls  []call
}

func (r *callRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.Contains(req.URL.Path, "/streams") {
		return r.next.RoundTrip(req)
	}
	if r.before != nil {
		r.before()
	}
	c := call{path: req.URL.Path, sent: time.Now()}
	resp, err := r.next.RoundTrip(req)
	c.answered = time.Now()
	if err == nil {
		c.status, c.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	return resp, err
}

func (r *callRecorder) list() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// drainer plays another client of the project, emptying its bucket right
// before one of the client's requests leaves, so that this request meets
// an empty bucket however slow the machine (a refill step between the two
// is all that can spare it). With other, it does so once, at the first
// request leaving after 30 windows were downloaded while the client is not
// paused (draining during a pause would only meet a bucket refilled
// meanwhile). Without, it is the backstop of a client too slow to empty
// the bucket itself: at every request after the 30th as long as none met
// an empty bucket.
type drainer struct {
	srv   *atlastest.Fake
	other bool
	gate  *gate
	calls *callRecorder

	mu     sync.Mutex
	taken  int
	drains int
	first  time.Time
}

// before runs before each Streams request leaves the client.
func (d *drainer) before() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.due() {
		return
	}
	if n := d.srv.TakeTokens(testProject, testBucket.Capacity); n > 0 {
		if d.taken == 0 {
			d.first = time.Now()
		}
		d.taken += n
		d.drains++
	}
}

func (d *drainer) due() bool {
	calls := d.calls.list()
	if d.other {
		ok := 0
		for _, c := range calls {
			if c.status == http.StatusOK && strings.HasSuffix(c.path, "/auditLogs") {
				ok++
			}
		}
		return ok >= 30 && d.taken == 0 && !d.paused()
	}
	return len(calls) >= 30 && !slices.ContainsFunc(calls, func(c call) bool { return c.status == http.StatusTooManyRequests })
}

// paused reports whether the client holds the project's requests now
// after a 429.
func (d *drainer) paused() bool {
	d.gate.mu.Lock()
	defer d.gate.mu.Unlock()
	return time.Now().Before(d.gate.until)
}
