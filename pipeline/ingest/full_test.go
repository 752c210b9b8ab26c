package ingest

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aspaudit/aspaudit/pipeline"
)

// fullSink is recSink refusing its first `full` writes as a full disk does.
type fullSink struct {
	*recSink
	full atomic.Int32
}

var errDiskFull = pipeline.StorageFull(errors.New("the disk is full: free space"))

func (s *fullSink) Write(ctx context.Context, batch []pipeline.Event) (pipeline.WriteResult, error) {
	if s.full.Add(-1) >= 0 {
		return pipeline.WriteResult{}, errDiskFull
	}
	return s.recSink.Write(ctx, batch)
}

// logBuffer collects log lines, safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

func fullRig(t *testing.T, writes int32, mod func(*rig)) (*rig, *fullSink, *logBuffer) {
	fs := &fullSink{recSink: &recSink{}}
	fs.full.Store(writes)
	logs := &logBuffer{}
	r := newRig(t, mod)
	r.e.deps.Sink = fs
	r.e.log = slog.New(slog.NewTextHandler(logs, nil))
	return r, fs, logs
}

// A one-shot run stops each window at the first full-storage refusal,
// leaving it uncovered, and says so once.
func TestBackfillStopsAtOnceWhenStorageIsFull(t *testing.T) {
	r, _, logs := fullRig(t, 1<<30, func(r *rig) { r.cfg.Retry.Budget = time.Hour })
	sum, _ := r.e.Backfill(context.Background(), BackfillRequest{
		Series: []pipeline.Series{seriesA}, Range: pipeline.Range{Start: day(1, 0), End: day(2, 0)}})
	if sum.Done != 0 || sum.Failed != 4 || len(sum.Failures) != 4 {
		t.Fatalf("summary %+v", sum)
	}
	for _, f := range sum.Failures {
		if f.Attempts != 1 || !pipeline.IsStorageFull(f.Err) {
			t.Errorf("window %s: %d attempts, error %v; want 1 attempt, a full-storage error", f.Window, f.Attempts, f.Err)
		}
	}
	if n := r.store.Marks(); n != 0 {
		t.Errorf("%d windows recorded", n)
	}
	if n := logs.count("THE SINK'S STORAGE IS FULL"); n != 1 {
		t.Errorf("the full storage is logged %d times, want once:\n%s", n, logs.b.String())
	}
}

// A service keeps retrying the window until space is back, says once that
// the storage is full and once that it has room again.
func TestContinuousRetriesWhileStorageIsFull(t *testing.T) {
	defer goleak.VerifyNone(t)
	obs := &progressLog{}
	r, fs, logs := fullRig(t, 5, func(r *rig) {
		r.cfg.PollInterval = time.Millisecond
		r.cfg.Retry.MaxAttempts = 2
	})
	r.e.obs = obs
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan Summary)
	go func() {
		sum, _ := r.e.Continuous(ctx, []pipeline.Series{seriesA}, false)
		done <- sum
	}()
	// Done when space is back and every window of the first pass is
	// stored, the refused ones included: one range, no gap.
	eventually(t, func() bool {
		return fs.full.Load() < 0 && r.store.Marks() >= 4 && len(r.store.Covered(seriesA)) == 1
	})
	cancel()
	sum := <-done
	if sum.Failed == 0 || len(sum.Failures) != 0 {
		t.Errorf("summary %+v: want failed passes, none left failing", sum)
	}
	if n := logs.count("THE SINK'S STORAGE IS FULL"); n != 1 {
		t.Errorf("the full storage is logged %d times, want once:\n%s", n, logs.b.String())
	}
	if n := logs.count("accepts writes again"); n != 1 {
		t.Errorf("space back is logged %d times, want once", n)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.kinds) == 0 || obs.kinds[0] != KindStorageFull {
		t.Errorf("retries observed by kind %v, want %s first", obs.kinds, KindStorageFull)
	}
}

func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(time.Millisecond)
	}
}
