package search_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search"
)

var t0 = time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)

// events returns n events with distinct ids, a second apart from t0.
func events(prefix string, n int) []pipeline.Event {
	evs := make([]pipeline.Event, n)
	for i := range evs {
		ts := t0.Add(time.Duration(i) * time.Second)
		evs[i] = pipeline.Event{
			ID:   fmt.Sprintf("%s-%d", prefix, i),
			Time: ts,
			Doc:  []byte(fmt.Sprintf(`{"@timestamp":%q,"event":{"action":"authenticate"},"n":%d}`, ts.Format(time.RFC3339), i)),
		}
	}
	return evs
}

// fastRetry retries quickly in tests.
func fastRetry(c *search.Config) {
	c.Retry.Initial = time.Millisecond
	c.Retry.Max = 5 * time.Millisecond
	c.Retry.Budget = 10 * time.Second
}

func newSink(t *testing.T, url string, mutate ...func(*search.Config)) *search.Sink {
	t.Helper()
	cfg := search.NewDefaultConfig()
	cfg.Conn.URLs = []string{url}
	cfg.Templates.Install = false
	fastRetry(&cfg)
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := search.New(cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func write(t *testing.T, s *search.Sink, evs []pipeline.Event) pipeline.WriteResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.Write(ctx, evs)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return res
}

func TestWriteStoresAndCountsDuplicates(t *testing.T) {
	f := newFakeCluster(t)
	s := newSink(t, f.srv.URL, func(c *search.Config) { c.BatchSize = 7 })
	evs := events("a", 50)
	if res := write(t, s, evs); res.Stored != 50 || res.Duplicates != 0 || len(res.Rejected) != 0 {
		t.Fatalf("first write = %+v, want 50 stored", res)
	}
	if res := write(t, s, evs); res.Stored != 0 || res.Duplicates != 50 {
		t.Fatalf("second write = %+v, want 50 duplicates", res)
	}
	if f.count() != 50 {
		t.Fatalf("cluster holds %d documents, want 50", f.count())
	}
	if !f.has("atlas-streams-audit-2026.11/a-0") {
		t.Fatal("event not in the index of its month")
	}
	req, gz, sizes := f.stats()
	if gz != req {
		t.Fatalf("%d of %d requests gzipped, want all (compress is on by default)", gz, req)
	}
	for _, n := range sizes {
		if n > 7 {
			t.Fatalf("a request held %d events, batch_size is 7", n)
		}
	}
}

func TestItemStatusTable(t *testing.T) {
	f := newFakeCluster(t)
	f.item = func(id string, seen int) (int, string, string) {
		switch {
		case strings.HasSuffix(id, "-1") && seen <= 2:
			return 429, "es_rejected_execution_exception", "queue full"
		case strings.HasSuffix(id, "-2") && seen == 1:
			return 503, "unavailable_shards_exception", "primary not active"
		case strings.HasSuffix(id, "-3"):
			return 400, "mapper_parsing_exception", "failed to parse field [source.ip]"
		case strings.HasSuffix(id, "-4"):
			return 409, "version_conflict_engine_exception", "exists"
		}
		return 0, "", ""
	}
	s := newSink(t, f.srv.URL)
	evs := events("s", 6)
	res := write(t, s, evs)
	if res.Stored != 4 || res.Duplicates != 1 || len(res.Rejected) != 1 {
		t.Fatalf("result = %+v, want 4 stored (two after retries), 1 duplicate, 1 rejected", res)
	}
	rej := res.Rejected[0]
	if rej.Event.ID != "s-3" || rej.Status != 400 ||
		rej.Reason != "mapper_parsing_exception: failed to parse field [source.ip] (caused by cause: why)" {
		t.Fatalf("rejection = %+v", rej)
	}
	if res.Retries < 3 {
		t.Fatalf("Retries = %d, want at least 3 (s-1 twice, s-2 once)", res.Retries)
	}
}

func TestWholeRequestRetried(t *testing.T) {
	f := newFakeCluster(t)
	failures := 0
	f.whole = func(int, int) int {
		if failures < 3 {
			failures++
			return []int{503, 429, 502}[failures-1]
		}
		return 0
	}
	s := newSink(t, f.srv.URL)
	res := write(t, s, events("w", 20))
	if res.Stored != 20 || res.Retries == 0 {
		t.Fatalf("result = %+v, want 20 stored after retries", res)
	}
}

func TestRetryBudgetSpentIsAnError(t *testing.T) {
	f := newFakeCluster(t)
	f.whole = func(int, int) int { return 503 }
	s := newSink(t, f.srv.URL, func(c *search.Config) { c.Retry.MaxAttempts = 3 })
	_, err := s.Write(context.Background(), events("b", 5))
	if err == nil || pipeline.IsPermanent(err) {
		t.Fatalf("Write = %v, want a retryable error once the budget is spent", err)
	}
	if req, _, _ := f.stats(); req != 3 {
		t.Fatalf("%d requests, want 3 attempts", req)
	}
}

func TestWholeRequestPermanentFailure(t *testing.T) {
	f := newFakeCluster(t)
	f.whole = func(int, int) int { return 403 }
	s := newSink(t, f.srv.URL)
	_, err := s.Write(context.Background(), events("p", 5))
	if err == nil || !pipeline.IsPermanent(err) {
		t.Fatalf("Write = %v, want a permanent error for 403", err)
	}
	if req, _, _ := f.stats(); req != 1 {
		t.Fatalf("%d requests, want 1: a 403 is not retried", req)
	}
}

func TestTooLargeSplits(t *testing.T) {
	f := newFakeCluster(t)
	const limit = 2000
	f.whole = func(n, size int) int {
		if size > limit {
			return 413
		}
		return 0
	}
	s := newSink(t, f.srv.URL, func(c *search.Config) { c.Compress = false })
	evs := events("l", 40)
	big := pipeline.Event{ID: "huge", Time: t0, Doc: []byte(`{"x":"` + strings.Repeat("x", limit) + `"}`)}
	evs = append(evs[:20], append([]pipeline.Event{big}, evs[20:]...)...)
	res := write(t, s, evs)
	if res.Stored != 40 || len(res.Rejected) != 1 {
		t.Fatalf("result = %+v, want 40 stored and the huge event rejected", res)
	}
	if r := res.Rejected[0]; r.Event.ID != "huge" || r.Status != 413 {
		t.Fatalf("rejection = %+v, want huge with 413", r)
	}
	if f.count() != 40 {
		t.Fatalf("cluster holds %d, want 40", f.count())
	}
}

func TestInvalidEventsRejectedAndPrettyJSONCompacted(t *testing.T) {
	f := newFakeCluster(t)
	s := newSink(t, f.srv.URL)
	evs := []pipeline.Event{
		{ID: "", Time: t0, Doc: []byte(`{"a":1}`)},
		{ID: "notjson", Time: t0, Doc: []byte(`hello`)},
		{ID: "badjson", Time: t0, Doc: []byte("{\"a\":\n")},
		{ID: "pretty", Time: t0, Doc: []byte("{\n  \"a\": 1\n}\n")},
		{ID: "quote\"id", Time: t0, Doc: []byte(`{"a":2}`)},
	}
	res := write(t, s, evs)
	if res.Stored != 2 || len(res.Rejected) != 3 {
		t.Fatalf("result = %+v, want 2 stored, 3 rejected", res)
	}
	for _, r := range res.Rejected {
		if !strings.HasPrefix(r.Reason, "invalid_event: ") {
			t.Fatalf("rejection reason %q", r.Reason)
		}
	}
	if !f.has("atlas-streams-audit-2026.11/quote\"id") || !f.has("atlas-streams-audit-2026.11/pretty") {
		t.Fatal("the valid events were not stored under their ids")
	}
}

func TestConcurrentWritesGroupCommit(t *testing.T) {
	f := newFakeCluster(t)
	s := newSink(t, f.srv.URL, func(c *search.Config) {
		c.Concurrency = 1
		c.FlushInterval = 20 * time.Millisecond
	})
	const writers, each = 20, 5
	var wg sync.WaitGroup
	results := make([]pipeline.WriteResult, writers)
	for i := range writers {
		wg.Go(func() { results[i] = write(t, s, events(fmt.Sprintf("g%d", i), each)) })
	}
	wg.Wait()
	for i, r := range results {
		if r.Stored != each {
			t.Fatalf("writer %d: %+v, want %d stored", i, r, each)
		}
	}
	if req, _, _ := f.stats(); req >= writers {
		t.Fatalf("%d requests for %d concurrent writes: nothing was coalesced", req, writers)
	}
}

func TestWriteReturnsWhenContextEnds(t *testing.T) {
	f := newFakeCluster(t)
	f.whole = func(int, int) int { return 503 }
	s := newSink(t, f.srv.URL, func(c *search.Config) { c.Retry.Initial = time.Second; c.Retry.Max = time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Write(ctx, events("c", 3))
	if err == nil {
		t.Fatal("Write succeeded against a failing cluster")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Write took %s after its context ended", d)
	}
}

func TestCloseTwiceAndWriteAfterClose(t *testing.T) {
	f := newFakeCluster(t)
	unused := newSink(t, f.srv.URL)
	if err := unused.Close(context.Background()); err != nil {
		t.Fatalf("Close of an unused sink: %v", err)
	}
	if _, err := unused.Write(context.Background(), events("u", 1)); err == nil {
		t.Fatal("Write after Close succeeded")
	}
	s := newSink(t, f.srv.URL)
	write(t, s, events("x", 3))
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.Write(context.Background(), events("y", 1)); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}

func TestEmptyBatch(t *testing.T) {
	f := newFakeCluster(t)
	s := newSink(t, f.srv.URL)
	if res := write(t, s, nil); res.Stored != 0 || len(res.Rejected) != 0 {
		t.Fatalf("empty write = %+v", res)
	}
}

// TestConcurrentWritesUnderBackpressure has many writers contend for a
// small queue: every event is stored once and no request exceeds the
// bounds.
func TestConcurrentWritesUnderBackpressure(t *testing.T) {
	f := newFakeCluster(t)
	f.whole = func(int, int) int { time.Sleep(time.Millisecond); return 0 }
	s := newSink(t, f.srv.URL, func(c *search.Config) {
		c.Concurrency = 1
		c.BatchSize = 3
		c.BatchBytes = 1024
	})
	const writers, each = 16, 50
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			evs := events(fmt.Sprintf("bp%d", i), each)
			if res := write(t, s, evs); res.Stored != each {
				t.Errorf("writer %d: %+v, want %d stored", i, res, each)
			}
		})
	}
	wg.Wait()
	if f.count() != writers*each {
		t.Fatalf("cluster holds %d, want %d", f.count(), writers*each)
	}
	_, _, sizes := f.stats()
	for _, n := range sizes {
		if n > 3 {
			t.Fatalf("a request held %d events, batch_size is 3", n)
		}
	}
}

// TestCloseGivesUpWhenItsContextEnds closes a sink whose cluster keeps
// failing: Close returns once its context ends, with an error, and the
// pending Write reports the outcome unknown.
func TestCloseGivesUpWhenItsContextEnds(t *testing.T) {
	f := newFakeCluster(t)
	f.whole = func(int, int) int { return 503 }
	s := newSink(t, f.srv.URL, func(c *search.Config) { c.Retry.Initial = 50 * time.Millisecond; c.Retry.Max = 50 * time.Millisecond })
	errc := make(chan error, 1)
	go func() {
		_, err := s.Write(context.Background(), events("z", 3))
		errc <- err
	}()
	for {
		if req, _, _ := f.stats(); req > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Close(ctx); err == nil {
		t.Fatal("Close returned nil while a request could not be delivered")
	}
	if err := <-errc; err == nil {
		t.Fatal("Write returned nil for events that were never stored")
	}
}

// TestFailsOverToAnotherURL lists a node that refuses connections first.
func TestFailsOverToAnotherURL(t *testing.T) {
	f := newFakeCluster(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // its port now refuses connections
	s := newSink(t, dead.URL, func(c *search.Config) { c.Conn.URLs = []string{dead.URL, f.srv.URL} })
	for i := range 3 {
		if res := write(t, s, events(fmt.Sprintf("f%d", i), 10)); res.Stored != 10 {
			t.Fatalf("write %d: %+v, want 10 stored", i, res)
		}
	}
}

// TestNoReadAfterAbandon cancels Writes while their requests are being
// retried and overwrites the documents at once: the sink must not read a
// batch after Write returned (the race detector checks), nor send the
// overwritten bytes.
func TestNoReadAfterAbandon(t *testing.T) {
	f := newFakeCluster(t)
	var calls atomic.Int64
	f.whole = func(int, int) int {
		if calls.Add(1)%3 != 0 {
			return 503
		}
		return 0
	}
	s := newSink(t, f.srv.URL, func(c *search.Config) { c.BatchSize = 5; c.Concurrency = 2 })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			evs := events(fmt.Sprintf("ab%d", i), 20)
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i+1)*time.Millisecond)
			defer cancel()
			if _, err := s.Write(ctx, evs); err != nil {
				for _, e := range evs {
					for k := range e.Doc {
						e.Doc[k] = 'X'
					}
				}
			}
		})
	}
	wg.Wait()
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// The fake fails the test on any document that is not JSON.
}
