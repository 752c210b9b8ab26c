package ingest

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/pipelinetest"
	"github.com/aspaudit/aspaudit/pipeline/secret"
	"github.com/aspaudit/aspaudit/sources/atlas"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// parkRig is an engine reading from the Atlas fake through the real
// client, logging into a buffer.
type parkRig struct {
	srv  *atlastest.Server
	e    *Engine
	obs  *parkWatch
	logs *syncBuffer
}

func newParkRig(t *testing.T, cfg Config) *parkRig {
	t.Helper()
	srv := atlastest.NewServer(atlastest.Config{ClientID: "mdb_sa_id_park", ClientSecret: "mdb_sa_sk_park", Seed: 5})
	t.Cleanup(srv.Close)
	acfg := atlas.NewDefaultConfig()
	acfg.BaseURL, acfg.ClientID, acfg.ClientSecret = srv.URL, "mdb_sa_id_park", secret.Secret("mdb_sa_sk_park")
	acfg.Bucket = atlas.Bucket{Capacity: 20000, Refill: 10000, Every: time.Second, Share: 1}
	client, err := atlas.New(acfg, atlas.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	logs := &syncBuffer{}
	obs := &parkWatch{parked: map[pipeline.Series]string{}}
	e, err := New(cfg, Deps{Source: client, Parser: lineParser{}, Sink: &recSink{}, DeadLetter: &pipelinetest.DeadLetters{},
		Checkpoints: &pipelinetest.Checkpoints{}, Observer: obs, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &parkRig{srv: srv, e: e, obs: obs, logs: logs}
}

func (p *parkRig) requests(ws string) int {
	n := 0
	for _, r := range p.srv.Requests() {
		if r.Endpoint == "auditLogs" && r.Workspace == ws && r.Authenticated {
			n++
		}
	}
	return n
}

// TestForbiddenSeriesParksOnceAndComesBack follows a workspace whose
// downloads Atlas refuses (403) beside a healthy one, polling every 20 ms:
// the refused series makes one request, logs one error line with the
// hint and is reported parked with its reason, while the healthy one keeps
// polling. Once the role is fixed, a recheck (as the next workspace
// listing makes) fetches it again and unparks it.
func TestForbiddenSeriesParksOnceAndComesBack(t *testing.T) {
	cfg := testConfig()
	cfg.PollInterval, cfg.Start, cfg.Window = 20*time.Millisecond, 2*time.Hour, time.Hour
	p := newParkRig(t, cfg)
	good := pipeline.Series{ProjectID: slotProject, Workspace: "good"}
	bad := pipeline.Series{ProjectID: slotProject, Workspace: "bad"}
	p.srv.AddWorkspace(slotProject, "good", nil)
	p.srv.AddWorkspace(slotProject, "bad", nil)
	p.srv.Inject(atlastest.Rule{Endpoint: "auditLogs", Workspace: "bad", Status: http.StatusForbidden, ErrorCode: "ACCESS_FORBIDDEN"})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fl := p.e.Follow(ctx, false)
	fl.Add(good, bad)
	waitFor(t, "the refused series to be parked", func() bool { return p.obs.reason(bad) == "forbidden" })
	time.Sleep(100 * time.Millisecond) // the other windows of its first pass end
	goodBefore, badBefore := p.requests("good"), p.requests("bad")
	time.Sleep(300 * time.Millisecond) // fifteen poll intervals
	if n := p.requests("bad"); n != badBefore || n > 3 {
		t.Errorf("the parked series made %d requests, want those of its first pass (%d, at most one per window)", n, badBefore)
	}
	if p.requests("good") <= goodBefore {
		t.Errorf("the healthy series stopped polling while the other was parked")
	}
	if got := fl.Parked(); len(got) != 1 || got[bad] == nil || !strings.Contains(got[bad].Error(), "403") {
		t.Errorf("parked %v, want only %s with its 403", got, bad)
	}
	log := p.logs.String()
	if n := strings.Count(log, "series parked"); n != 1 || !strings.Contains(log, "needs a role on project") {
		t.Errorf("%d lines say the series is parked, want one with the hint:\n%s", n, log)
	}
	if n := strings.Count(log, "level=ERROR"); n != 1 {
		t.Errorf("%d error lines, want one:\n%s", n, log)
	}

	p.srv.ClearRules()
	fl.Recheck()
	waitFor(t, "the fixed series to be unparked", func() bool { return p.obs.reason(bad) == "" && p.obs.unparked > 0 })
	if len(fl.Parked()) != 0 {
		t.Errorf("still parked: %v", fl.Parked())
	}
	cancel()
	sum := fl.Wait()
	if len(sum.Failures) != 0 {
		t.Errorf("failures after the fix: %v", sum.Failures)
	}
}

// TestBackfillOfMissingWorkspaceAsksOnce backfills ten windows of a
// workspace Atlas does not know (404): one request, one error line, every
// window failed as parked.
func TestBackfillOfMissingWorkspaceAsksOnce(t *testing.T) {
	cfg := testConfig()
	cfg.Concurrency = 1 // the windows in order: the first one's 404 parks the rest
	p := newParkRig(t, cfg)
	p.srv.AddProject(slotProject)
	s := pipeline.Series{ProjectID: slotProject, Workspace: "ws-nope"}
	sum, err := p.e.Backfill(context.Background(), BackfillRequest{Series: []pipeline.Series{s}, Range: pipeline.Range{Start: day(1, 0), End: day(3, 12)}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 10 || sum.Done != 0 || len(sum.Failures) != 10 {
		t.Fatalf("summary %+v: want 10 windows failed", sum)
	}
	if n := p.requests("ws-nope"); n != 1 {
		t.Errorf("%d requests for the missing workspace, want 1", n)
	}
	if !errors.Is(sum.Failures[9].Err, ErrParked) || !strings.Contains(sum.Failures[9].Err.Error(), "STREAM_TENANT_NOT_FOUND_FOR_NAME") {
		t.Errorf("last failure %v: want it parked by the 404", sum.Failures[9].Err)
	}
	if n := strings.Count(p.logs.String(), "level=ERROR"); n != 1 {
		t.Errorf("%d error lines, want one:\n%s", n, p.logs.String())
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// parkWatch records parked series.
type parkWatch struct {
	nopObserver
	mu       sync.Mutex
	parked   map[pipeline.Series]string
	unparked int
}

func (o *parkWatch) SeriesParked(s pipeline.Series, reason string, _ error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.parked[s] = reason
}

func (o *parkWatch) SeriesUnparked(s pipeline.Series) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.parked, s)
	o.unparked++
}

func (o *parkWatch) reason(s pipeline.Series) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.parked[s]
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
