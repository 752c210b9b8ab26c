package ingest

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/pipelinetest"
	"github.com/aspaudit/aspaudit/pipeline/retry"
	"github.com/aspaudit/aspaudit/pipeline/secret"
	"github.com/aspaudit/aspaudit/sources/atlas"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestFailingWindowsGiveTheirSlotBack backfills 120 windows (one per
// workspace) from the Atlas fake through the real client, once without
// faults and once with a third of the windows answered 503 one to three
// times, retried after 100 ms doubling. Every line is stored once in both
// runs, and with faults a window waiting for its retry holds no slot:
// while one waits, all the slots are seen busy with other windows. The
// wall times of both runs are printed (tests do not assert on time).
func TestFailingWindowsGiveTheirSlotBack(t *testing.T) {
	clean := backfillAgainstFake(t, false)
	faulty := backfillAgainstFake(t, true)
	t.Logf("120 windows, 4 at a time: fault-free %s, a third failing 1-3 times %s (%.2f×)",
		clean.Round(time.Millisecond), faulty.Round(time.Millisecond), faulty.Seconds()/clean.Seconds())
}

const slotProject = "0123456789abcdef01234567"

func backfillAgainstFake(t *testing.T, faults bool) time.Duration {
	srv := atlastest.NewServer(atlastest.Config{ClientID: "mdb_sa_id_slots", ClientSecret: "mdb_sa_sk_slots", Seed: 3})
	defer srv.Close()
	rg := pipeline.Range{Start: day(1, 0), End: day(1, 6)}
	var series []pipeline.Series
	failing := 0
	for i := range 120 {
		ws := fmt.Sprintf("ws-%03d", i)
		srv.AddWorkspace(slotProject, ws, atlastest.GenerateLines(uint64(i), rg.Start, rg.End, 150))
		series = append(series, pipeline.Series{ProjectID: slotProject, Workspace: ws})
		if faults && i%3 == 0 {
			srv.Inject(atlastest.Rule{Endpoint: "auditLogs", Workspace: ws, Status: http.StatusServiceUnavailable, Times: 1 + i/3%3})
			failing++
		}
	}
	acfg := atlas.NewDefaultConfig()
	acfg.BaseURL, acfg.ClientID, acfg.ClientSecret = srv.URL, "mdb_sa_id_slots", secret.Secret("mdb_sa_sk_slots")
	acfg.Bucket = atlas.Bucket{Capacity: 20000, Refill: 10000, Every: time.Second, Share: 1}
	client, err := atlas.New(acfg, atlas.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	cfg := testConfig()
	cfg.Concurrency, cfg.BatchSize = 4, 50
	cfg.Retry = retry.Policy{Initial: 100 * time.Millisecond, Max: 400 * time.Millisecond, Multiplier: 2, Budget: time.Minute}
	sink := &recSink{delay: 20 * time.Millisecond}
	obs := &slotWatch{failed: map[pipeline.Window]bool{}, ever: map[pipeline.Window]bool{}}
	e, err := New(cfg, Deps{Source: client, Parser: lineParser{}, Sink: sink, DeadLetter: &pipelinetest.DeadLetters{},
		Checkpoints: &pipelinetest.Checkpoints{}, Observer: obs, Now: func() time.Time { return day(2, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := e.Backfill(context.Background(), BackfillRequest{Series: series, Range: rg})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Done != 120 || sum.Failed != 0 || sum.Stats.Stored != 120*150 || len(sink.docs()) != 120*150 {
		t.Fatalf("done %d, failed %d, stored %d: want 120 windows and %d events", sum.Done, sum.Failed, sum.Stats.Stored, 120*150)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.maxRunning > cfg.Concurrency {
		t.Errorf("%d attempts ran at once for %d slots", obs.maxRunning, cfg.Concurrency)
	}
	if faults {
		if sum.Stats.Retries == 0 || obs.retried != failing {
			t.Fatalf("%d retries, %d windows retried: want each of the %d failing windows retried", sum.Stats.Retries, obs.retried, failing)
		}
		if obs.fullWhileWaiting == 0 {
			t.Errorf("no moment had all %d slots busy while a window waited for its retry: waiting windows hold slots", cfg.Concurrency)
		}
	}
	return elapsed
}

// slotWatch counts the attempts in flight and the windows waiting for a
// retry.
type slotWatch struct {
	nopObserver
	mu               sync.Mutex
	running          int
	maxRunning       int
	failed           map[pipeline.Window]bool // waiting for a retry now
	ever             map[pipeline.Window]bool // failed at least once
	retried          int
	fullWhileWaiting int // attempts started with every slot busy while one waited
}

func (o *slotWatch) WindowStarted(w pipeline.Window) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failed[w] {
		delete(o.failed, w)
	}
	o.running++
	o.maxRunning = max(o.maxRunning, o.running)
	if o.running == 4 && len(o.failed) > 0 {
		o.fullWhileWaiting++
	}
}

func (o *slotWatch) WindowDone(w pipeline.Window, _ Stats, err error, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.running--
	if err != nil {
		o.failed[w] = true
		if !o.ever[w] {
			o.ever[w] = true
			o.retried++
		}
	}
}
