package atlas

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// paceBucket is Atlas's Streams bucket (1200, +500 every 60 s) scaled down
// by 20 in size and 60 in time, so that a test meets many refill steps:
// 60 tokens, +30 every second.
var paceBucket = atlastest.RateLimit{Capacity: 60, Refill: 30, Every: time.Second}

func clientBucket(rl atlastest.RateLimit) Bucket {
	return Bucket{Capacity: rl.Capacity, Refill: rl.Refill, Every: rl.Every, Share: 1}
}

// TestBackfillAtTheRefillRate backfills three projects at once (each its
// own bucket on the fake, each 150 windows), with the client configured
// with the fake's bucket and no other cap, alone and with another client
// spending a third of each project's refill. Every line arrives once;
// alone, no request meets an empty bucket but the few that a clock tick
// between the fake's refill step and the client's pace can explain; with
// the other client, the 429s stay a small share. The rates achieved are
// printed (tests do not assert on time): the share of the refill rate used
// counts what a client could at best send in the elapsed time, the bucket's
// capacity plus its refills.
func TestBackfillAtTheRefillRate(t *testing.T) {
	for _, other := range []float64{0, 1.0 / 3} {
		t.Run(fmt.Sprintf("other client %.0f%%", other*100), func(t *testing.T) {
			runPaced(t, 3, 150, other)
		})
	}
}

func runPaced(t *testing.T, projects, perProject int, other float64) {
	fc := fakeConfig()
	fc.RateLimit = paceBucket
	srv := atlastest.NewServer(fc)
	defer srv.Close()
	lines := atlastest.GenerateLines(5, day0, day1, 1500)
	var windows []pipeline.Window
	ids := make([]string, projects)
	for i := range ids {
		ids[i] = fmt.Sprintf("%024x", 0xa0+i)
		srv.AddWorkspace(ids[i], "ws", lines)
		windows = append(windows, pipeline.Split(pipeline.Series{ProjectID: ids[i], Workspace: "ws"}, pipeline.Range{Start: day0, End: day1}, 24*time.Hour/time.Duration(perProject))...)
	}
	cfg := serviceAccount(srv.URL)
	cfg.Bucket, cfg.RateLimit, cfg.Concurrency = clientBucket(paceBucket), 0, 8
	c := newClient(t, cfg, Options{})

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	taken := make([]int, projects)
	if other > 0 {
		for i, id := range ids {
			wg.Go(func() { taken[i] = spend(ctx, srv.Fake, id, other) })
		}
	}
	start := time.Now()
	got := fetchWindowsAcross(t, c, windows, 12)
	elapsed := time.Since(start)
	stop()
	wg.Wait()

	want := len(texts(lines, day0, day1, "")) * projects
	if len(got) != want {
		t.Fatalf("got %d lines, want %d", len(got), want)
	}
	refill := float64(paceBucket.Refill) / paceBucket.Every.Seconds()
	total, throttled := 0, 0
	for i, id := range ids {
		sent, refused := 0, 0
		for _, r := range srv.Requests() {
			if r.Project != id || r.Endpoint != "auditLogs" {
				continue
			}
			sent++
			if r.Status == http.StatusTooManyRequests {
				refused++
			}
		}
		total, throttled = total+sent, throttled+refused
		ok := sent - refused
		left := refill * (1 - other)
		best := float64(paceBucket.Capacity)*(1-other) + left*elapsed.Seconds()
		sustained := (float64(ok) - clientBucket(paceBucket).start()) / elapsed.Seconds()
		t.Logf("project %d: %d requests in %s, sustained %.1f/s after the first burst = %.0f %% of the %.0f/s refill left to it (other client took %d tokens); %d answered 429 (%.2f %%); %.0f %% of all the bucket allowed it",
			i, sent, elapsed.Round(time.Millisecond), sustained, 100*sustained/left, left, taken[i], refused, 100*float64(refused)/float64(sent), 100*float64(ok)/best)
	}
	t.Logf("all projects: %d requests, %d answered 429 (%.2f %%)", total, throttled, 100*float64(throttled)/float64(total))
	// Alone, the pace stays a step behind Atlas's count: a 429 needs the
	// fake's refill tick and the client's pace to meet within a few
	// milliseconds, at most once per project and step, and then holds the
	// project to the next step.
	steps := int(elapsed/paceBucket.Every) + 2
	if bound := projects * steps / 4; other == 0 && throttled > bound {
		t.Errorf("%d requests answered 429 with the client alone on its projects (bound %d)", throttled, bound)
	}
	if bound := total / 10; other > 0 && throttled > bound {
		t.Errorf("%d of %d requests answered 429 beside another client (bound %d)", throttled, total, bound)
	}
}

// spend plays another client of a project: it takes share of the refill
// rate, a token at a time, until ctx ends, and returns the tokens it got.
func spend(ctx context.Context, f *atlastest.Fake, project string, share float64) int {
	every := time.Duration(float64(paceBucket.Every) / (float64(paceBucket.Refill) * share))
	tick := time.NewTicker(every)
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return n
		case <-tick.C:
			n += f.TakeTokens(project, 1)
		}
	}
}

// fetchWindowsAcross is fetchWindows with the engine's habit of waiting
// for the project to be ready before taking a worker.
func fetchWindowsAcross(t *testing.T, c *Client, windows []pipeline.Window, workers int) []string {
	// Interleave the projects as the engine's backfill does.
	byStart := make([]pipeline.Window, 0, len(windows))
	per := len(windows) / 3
	for i := range per {
		for p := range 3 {
			byStart = append(byStart, windows[p*per+i])
		}
	}
	return fetchWindows(t, c, byStart, workers)
}
