package atlas

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestHundredWindowsUnderFaults fetches 100 windows from a fake that
// answers a third of the requests with 429 (with and without Retry-After)
// or 503, and cuts some bodies, retrying each window with pipeline/retry as
// the engine does: every line arrives exactly once, and the requests never
// outrun the configured rate.
func TestHundredWindowsUnderFaults(t *testing.T) {
	fc := fakeConfig()
	fc.Faults = atlastest.Faults{Throttle: 1.0 / 9, ThrottleBare: 1.0 / 9, Unavailable: 1.0 / 9, Cut: 0.05, RetryAfter: 50 * time.Millisecond}
	srv := atlastest.NewServer(fc)
	defer srv.Close()
	lines := atlastest.GenerateLines(42, day0, day1, 3000)
	srv.AddWorkspace(testProject, "ws", lines)
	cfg := serviceAccount(srv.URL)
	cfg.RateLimit, cfg.RateBurst, cfg.Concurrency = 50, 5, 4
	c := newClient(t, cfg, Options{})

	windows := pipeline.Split(pipeline.Series{ProjectID: testProject, Workspace: "ws"}, pipeline.Range{Start: day0, End: day1}, 24*time.Hour/100)
	if len(windows) != 100 {
		t.Fatalf("%d windows", len(windows))
	}
	got := fetchWindows(t, c, windows, 6)

	want := texts(lines, day0, day1, "")
	if len(got) != len(want) || !sameSet(got, want) {
		t.Fatalf("got %d lines, want each of the %d lines exactly once", len(got), len(want))
	}
	reqs := requestsTo(srv.Fake, "auditLogs")
	faults := map[string]int{}
	for _, r := range reqs {
		faults[r.Fault]++
	}
	t.Logf("%d requests for 100 windows: %v", len(reqs), faults)
	for _, f := range []string{"throttle", "throttle-bare", "unavailable", "cut"} {
		if faults[f] == 0 {
			t.Errorf("no %q fault happened: the test proves less than it says", f)
		}
	}
	checkRate(t, reqs, cfg.RateLimit, cfg.RateBurst)
}

// fetchWindows fetches windows with workers goroutines, each window retried
// until its whole stream was read; lines of failed attempts are dropped.
func fetchWindows(t *testing.T, c *Client, windows []pipeline.Window, workers int) []string {
	var mu sync.Mutex
	var all []string
	todo := make(chan pipeline.Window)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for w := range todo {
				var lines []string
				err := fastPolicy.Do(context.Background(), func(ctx context.Context) error {
					var err error
					lines, err = tryFetchLines(ctx, c, w)
					return err
				}, nil)
				if err != nil {
					t.Errorf("window %s: %v", w, err)
				}
				mu.Lock()
				all = append(all, lines...)
				mu.Unlock()
			}
		})
	}
	for _, w := range windows {
		todo <- w
	}
	close(todo)
	wg.Wait()
	return all
}

// checkRate verifies the token bucket's promise on arrival times: any n
// consecutive requests span at least (n-burst)/rate seconds. Loopback
// delivery jitter is allowed 50 ms and one request.
func checkRate(t *testing.T, reqs []atlastest.Request, rate float64, burst int) {
	t.Helper()
	times := make([]time.Time, len(reqs))
	for i, r := range reqs {
		times[i] = r.Time
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	perSecond := 0
	for i := range times {
		for j := i; j < len(times); j++ {
			span := times[j].Sub(times[i])
			if span < time.Second {
				perSecond = max(perSecond, j-i+1)
			}
			allowed := float64(burst) + rate*(span+50*time.Millisecond).Seconds() + 1
			if float64(j-i+1) > allowed {
				t.Fatalf("%d requests within %s: more than the rate of %v/s with burst %d allows", j-i+1, span, rate, burst)
			}
		}
	}
	t.Logf("busiest second: %d requests (limit %v/s, burst %d)", perSecond, rate, burst)
}

func TestRetryAfterPausesTheProject(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspace(testProject, "a", nil)
	srv.AddWorkspace(testProject, "b", nil)
	srv.Inject(atlastest.Rule{Endpoint: "auditLogs", Workspace: "a", Status: 429, ErrorCode: "RATE_LIMITED_TOKEN_BUCKET", RetryAfter: "1", Times: 1})
	c := newClient(t, serviceAccount(srv.URL), Options{})
	_, err := c.Fetch(context.Background(), window("a", day0, day1))
	if ra, ok := pipeline.RetryAfter(err); !ok || ra != time.Second {
		t.Fatalf("want a throttle error with Retry-After 1s, got %v", err)
	}
	fetchLines(t, c, window("b", day0, day1))
	reqs := requestsTo(srv.Fake, "auditLogs")
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 950*time.Millisecond {
		t.Fatalf("the next request to the project went %s after a 429 asking for 1s", gap)
	}
}

func TestDiscoveryReadsAllPages(t *testing.T) {
	fc := fakeConfig()
	fc.MaxItemsPerPage = 2
	srv := atlastest.NewServer(fc)
	defer srv.Close()
	var want []string
	for i := range 5 {
		name := fmt.Sprintf("ws-%d", i)
		want = append(want, name)
		srv.AddWorkspace(testProject, name, nil)
	}
	srv.AddWorkspace("bbbbbbbbbbbbbbbbbbbbbbbb", "elsewhere", nil)
	srv.Inject(atlastest.Rule{Endpoint: "streams", Status: 503, Times: 1})
	c := newClient(t, apiKey(srv.URL), Options{})
	got, err := c.Workspaces(context.Background(), testProject)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	var pages []string
	for _, r := range requestsTo(srv.Fake, "streams") {
		if r.Authenticated {
			pages = append(pages, fmt.Sprintf("%s:%d", r.Query.Get("pageNum"), r.Status))
			if r.Accept != "application/vnd.atlas.2023-02-01+json" {
				t.Errorf("accept %q", r.Accept)
			}
		}
	}
	if !slices.Equal(pages, []string{"1:503", "1:200", "2:200", "3:200"}) {
		t.Fatalf("pages asked: %v", pages)
	}
}

func TestDiscoveryErrors(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	c := newClient(t, serviceAccount(srv.URL), Options{})
	_, err := c.Workspaces(context.Background(), testProject)
	if !pipeline.IsPermanent(err) || !containsAll(err.Error(), "404 GROUP_NOT_FOUND", "check the project id "+testProject) {
		t.Fatalf("unknown project: %v", err)
	}
}

func TestPlanSeries(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddWorkspace(testProject, "found-1", nil)
	srv.AddWorkspace(testProject, "found-2", nil)
	other := "cccccccccccccccccccccccc"
	empty := "dddddddddddddddddddddddd"
	srv.AddProject(empty)
	c := newClient(t, serviceAccount(srv.URL), Options{})
	got, err := PlanSeries(context.Background(), c, []ProjectConfig{
		{ID: testProject},
		{ID: other, Workspaces: []string{"w1", "w2"}, Processors: []string{"p1", "p2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []pipeline.Series{
		{ProjectID: testProject, Workspace: "found-1"}, {ProjectID: testProject, Workspace: "found-2"},
		{ProjectID: other, Workspace: "w1", Processor: "p1"}, {ProjectID: other, Workspace: "w1", Processor: "p2"},
		{ProjectID: other, Workspace: "w2", Processor: "p1"}, {ProjectID: other, Workspace: "w2", Processor: "p2"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if _, err := PlanSeries(context.Background(), c, []ProjectConfig{{ID: empty}}); err == nil || !containsAll(err.Error(), empty, "no stream processing workspace") {
		t.Fatalf("project without workspaces: %v", err)
	}
	if _, err := PlanSeries(context.Background(), c, nil); err == nil {
		t.Fatal("no projects: no error")
	}
}
