package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/pipeline/pipelinetest"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sources/archive"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// The end-to-end benchmarks run one window of benchLines generated audit
// lines (both schemas, about 500 bytes each), gzip'ed in memory, through
// the archive reader, the engine and the real transform into a sink that
// discards. Reproduce with:
//
//	go test -run '^$' -bench EndToEnd -benchtime 5x ./pipeline/ingest/
const benchLines = 100_000

var benchWindow = pipeline.Window{
	Series: pipeline.Series{ProjectID: "5f1d7e3a2b4c6d8e9f0a1b2c", Workspace: "prod-streams"},
	Start:  time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	End:    time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
}

var benchCorpus = sync.OnceValues(func() ([]byte, int) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	raw := 0
	g := atlastest.Generator{Seed: 42, Schema: atlastest.Mixed}
	for _, l := range g.Lines(benchWindow.Start, benchWindow.End, benchLines) {
		raw += len(l.Text) + 1
		_, _ = io.WriteString(zw, l.Text)
		_, _ = io.WriteString(zw, "\n")
	}
	_ = zw.Close()
	return gz.Bytes(), raw
})

type gzipSource struct{ gz []byte }

func (s gzipSource) Fetch(context.Context, pipeline.Window) (io.ReadCloser, error) {
	return archive.NewReader(bytes.NewReader(s.gz)), nil
}

// nopParser makes an event without parsing: the benchmark with it measures
// everything but the transform.
type nopParser struct{}

func (nopParser) Parse(line []byte, w pipeline.Window) (pipeline.Event, error) {
	return pipeline.Event{ID: "x", Time: w.Start}, nil
}

func BenchmarkEndToEnd(b *testing.B) {
	benchEngine(b, transform.New(transform.NewDefaultConfig()))
}

// BenchmarkEndToEndNopParser is BenchmarkEndToEnd without the transform:
// gunzip, line splitting, hand-over to workers, batching.
func BenchmarkEndToEndNopParser(b *testing.B) {
	benchEngine(b, nopParser{})
}

func benchEngine(b *testing.B, p pipeline.Parser) {
	gz, raw := benchCorpus()
	cfg := ingest.NewDefaultConfig()
	cfg.Workers = runtime.NumCPU()
	e, err := ingest.New(cfg, ingest.Deps{Source: gzipSource{gz}, Parser: p, Sink: &pipelinetest.Discard{},
		DeadLetter: &pipelinetest.DeadLetters{}, Checkpoints: &pipelinetest.Checkpoints{}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(raw))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		st, err := e.Window(context.Background(), benchWindow)
		if err != nil || st.Events != benchLines || st.Stored != benchLines {
			b.Fatalf("window: %+v, %v", st, err)
		}
	}
	lines := float64(benchLines) * float64(b.N)
	b.ReportMetric(lines/b.Elapsed().Seconds(), "lines/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(lines/cpu.Seconds(), "lines/cpu-s")
	}
}

// cpuTime returns the CPU time the process has used so far: the machine is
// shared, so lines per CPU-second is steadier than lines per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
