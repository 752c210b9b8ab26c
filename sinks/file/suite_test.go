package file

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

func TestSinkSuite(t *testing.T) {
	sinktest.RunSinkSuite(t, func(t *testing.T) pipeline.Sink { return openSink(t, t.TempDir()) }, sinktest.SinkOptions{
		Stored: func(t *testing.T, s pipeline.Sink) []sinktest.Doc { return scanAll(t, s.(*Sink).Path()) },
		Reopen: func(t *testing.T, s pipeline.Sink) pipeline.Sink { return openSink(t, s.(*Sink).Path()) },
		Reject: func(*testing.T) pipeline.Event {
			e := sinktest.Events(1)[0]
			e.Doc = []byte(`{"event": {"action": "authenticate"`) // truncated
			return e
		},
		Faulty: func(t *testing.T) pipeline.Sink { return faultySink(t) },
	})
}

// faultySink fails its first commits, before and after the segment is in
// place (the second as when syncing the directory fails).
func faultySink(t *testing.T) *Sink {
	var mu sync.Mutex
	faults := map[string]int{"before commit": 1, "after commit": 2}
	return openSinkWithFault(t, t.TempDir(), func(stage string) error {
		mu.Lock()
		defer mu.Unlock()
		if faults[stage] > 0 {
			faults[stage]--
			return errors.New("injected failure " + stage)
		}
		return nil
	})
}

func openSinkWithFault(t *testing.T, path string, fault func(string) error) *Sink {
	s := openSink(t, path)
	s.fault = fault
	return s
}

func TestSinkSuiteSmallIndexAndMerging(t *testing.T) {
	// One loaded partition and merging every 2 segments: the suite then
	// exercises eviction, reloading from ids files and merges.
	tweak := func(c *Config) { c.MaxLoadedPartitions, c.CompactSegments = 1, 2 }
	sinktest.RunSinkSuite(t, func(t *testing.T) pipeline.Sink { return openSink(t, t.TempDir(), tweak) }, sinktest.SinkOptions{
		Stored:    func(t *testing.T, s pipeline.Sink) []sinktest.Doc { return scanAll(t, s.(*Sink).Path()) },
		Reopen:    func(t *testing.T, s pipeline.Sink) pipeline.Sink { return openSink(t, s.(*Sink).Path(), tweak) },
		BatchSize: 20,
	})
}

func TestCheckpointSuite(t *testing.T) {
	paths := map[pipeline.CheckpointStore]string{}
	var mu sync.Mutex
	open := func(t *testing.T, path string) pipeline.CheckpointStore {
		st, err := NewCheckpointStore(path)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		paths[st] = path
		mu.Unlock()
		return st
	}
	sinktest.RunCheckpointSuite(t, func(t *testing.T) pipeline.CheckpointStore { return open(t, t.TempDir()) }, sinktest.CheckpointOptions{
		Reopen: func(t *testing.T, s pipeline.CheckpointStore) pipeline.CheckpointStore {
			mu.Lock()
			defer mu.Unlock()
			st, err := NewCheckpointStore(paths[s])
			if err != nil {
				t.Fatal(err)
			}
			paths[st] = paths[s]
			return st
		},
	})
}

func TestDeadLetterSuite(t *testing.T) {
	sinktest.RunDeadLetterSuite(t, func(t *testing.T) pipeline.DeadLetter {
		d, err := NewDeadLetter(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return d
	}, sinktest.DeadLetterOptions{
		Stored: func(t *testing.T, d pipeline.DeadLetter) []pipeline.Rejection {
			var out []pipeline.Rejection
			path := filepath.Dir(d.(*DeadLetter).dir)
			err := ScanDeadLetters(context.Background(), path, func(rec DeadLetterRecord) error {
				r, err := rec.Rejection()
				out = append(out, r)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		},
	})
}
