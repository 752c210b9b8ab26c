package file

import (
	"context"
	"fmt"
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

// BenchmarkCheckpoints is one pass of a continuous run following 1,000
// series against the file checkpoint store: each series reads its
// coverage, then records a window. One op is one series' Coverage and
// MarkStored.
func BenchmarkCheckpoints(b *testing.B) {
	st, err := NewCheckpointStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	const n = 1000
	series := make([]pipeline.Series, n)
	for i := range series {
		series[i] = pipeline.Series{ProjectID: fmt.Sprintf("5ca1e0%018x", i/20), Workspace: fmt.Sprintf("ws-%02d", i%20)}
	}
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, s := range series { // a day of history each, in 6 h windows
		for h := 0; h < 24; h += 6 {
			if err := st.MarkStored(ctx, s, pipeline.Range{Start: base.Add(time.Duration(h) * time.Hour), End: base.Add(time.Duration(h+6) * time.Hour)}); err != nil {
				b.Fatal(i, err)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s := series[i%n]
		cov, err := st.Coverage(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		end := cov.Last()
		if err := st.MarkStored(ctx, s, pipeline.Range{Start: end.Add(-time.Minute), End: end.Add(20 * time.Second)}); err != nil {
			b.Fatal(err)
		}
	}
}
