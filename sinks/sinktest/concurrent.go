package sinktest

import (
	"sync"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
)

// testConcurrent has several goroutines write overlapping batches at once:
// each event is stored once and every copy sent is accounted for.
func (h *sinkHarness) testConcurrent(t *testing.T) {
	s := h.open(t)
	const writers, rounds = 6, 3
	n := h.opts.BatchSize
	pool := Events(n * 3)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total pipeline.WriteResult
		sent  int
	)
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				off := (w*n/2 + r*n) % (len(pool) - n)
				batch := pool[off : off+n]
				res, err := s.Write(h.ctx(t), batch)
				if err != nil {
					t.Errorf("writer %d: Write: %v", w, err)
					return
				}
				mu.Lock()
				total.Add(res)
				sent += len(batch)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	written := distinct(pool, writers, rounds, n)
	expectResult(t, total, len(written), sent-len(written), 0)
	h.expectStored(t, s, written)
}

// distinct returns the events the writers of testConcurrent sent.
func distinct(pool []pipeline.Event, writers, rounds, n int) []pipeline.Event {
	seen := make(map[string]bool)
	var out []pipeline.Event
	for w := range writers {
		for r := range rounds {
			off := (w*n/2 + r*n) % (len(pool) - n)
			for _, e := range pool[off : off+n] {
				if !seen[e.ID] {
					seen[e.ID] = true
					out = append(out, e)
				}
			}
		}
	}
	return out
}
