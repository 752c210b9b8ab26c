package file

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

const benchBatch = 1000

// benchEvents returns a batch of fresh 500-byte events of one month, as a
// backfill window produces.
func benchEvents() []pipeline.Event {
	events := sinktest.SizedEvents(benchBatch, 500)
	for i := range events {
		events[i].Time = time.Date(2026, 11, 2, 0, 0, i, 0, time.UTC)
	}
	return events
}

func reportRate(b *testing.B, events int) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkWrite writes batches of 1000 new 500-byte events.
func BenchmarkWrite(b *testing.B) {
	s := openSink(b, b.TempDir())
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchEvents()
		b.StartTimer()
		mustWrite(b, s, batch)
		n += len(batch)
	}
	reportRate(b, n)
}

// BenchmarkWriteParallel has 4 goroutines write batches at once, as
// concurrent windows do.
func BenchmarkWriteParallel(b *testing.B) {
	s := openSink(b, b.TempDir())
	batches := make([][]pipeline.Event, 4*8)
	for i := range batches {
		batches[i] = benchEvents()
	}
	n := 0
	for b.Loop() {
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for _, batch := range batches[w*8 : w*8+8] {
					if _, err := s.Write(context.Background(), batch); err != nil {
						b.Error(err)
					}
				}
			})
		}
		wg.Wait()
		n += len(batches) * benchBatch
		b.StopTimer()
		for i := range batches {
			batches[i] = benchEvents()
		}
		b.StartTimer()
	}
	reportRate(b, n)
}

// BenchmarkWriteDuplicates re-writes stored events (an overlapping poll).
func BenchmarkWriteDuplicates(b *testing.B) {
	s := openSink(b, b.TempDir())
	batch := benchEvents()
	mustWrite(b, s, batch)
	n := 0
	for b.Loop() {
		mustWrite(b, s, batch)
		n += len(batch)
	}
	reportRate(b, n)
}
