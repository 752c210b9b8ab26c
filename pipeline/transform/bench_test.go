package transform

import (
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/corpus"
)

var benchWindow = pipeline.Window{
	Series: pipeline.Series{ProjectID: "5f1d7e3a2b4c6d8e9f0a1b2c", Workspace: "prod-streams"},
	Start:  time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	End:    time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
}

// benchLines are shared by every benchmark so that each measures the same
// corpus: 4096 lines, about 500 bytes each.
var benchLines = corpus.Mixed(4096)

func corpusBytes(lines [][]byte) int {
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	return n
}

// cpuTime returns the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lineMeter reports lines per second of wall time and lines per second of
// CPU time. The machine is shared, so wall-time figures move with the load
// of other processes; the CPU-time figure (lines/cpu-s) is the per-core rate
// and the one to compare. Start it after the benchmark's setup.
type lineMeter struct{ cpu0 time.Duration }

func startMeter(b *testing.B) lineMeter {
	b.ReportAllocs()
	b.ResetTimer()
	return lineMeter{cpu0: cpuTime()}
}

func (m lineMeter) report(b *testing.B) {
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	if cpu := cpuTime() - m.cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "lines/cpu-s")
	}
}

// benchBatch is the engine's default batch size: the ingest engine holds
// a batch's events until the sink returns, then drops them.
const benchBatch = 1000

// BenchmarkParse measures the chosen approach: parse + document encoding +
// id, per line, with the events handed on as the ingest engine does: in
// batches of benchBatch, dropped once settled.
func BenchmarkParse(b *testing.B) {
	benchmarkParse(b, New(NewDefaultConfig()))
}

func benchmarkParse(b *testing.B, p *Parser) {
	b.SetBytes(int64(corpusBytes(benchLines) / len(benchLines)))
	batch := make([]pipeline.Event, 0, benchBatch)
	m := startMeter(b)
	for i := 0; i < b.N; i++ {
		ev, err := p.Parse(benchLines[i%len(benchLines)], benchWindow)
		if err != nil {
			b.Fatal(err)
		}
		batch = append(batch, ev)
		if len(batch) == cap(batch) {
			clear(batch)
			batch = batch[:0]
		}
	}
	m.report(b)
}

func BenchmarkDocumentID(b *testing.B) {
	m := startMeter(b)
	for i := 0; i < b.N; i++ {
		DocumentID(benchWindow.ProjectID, benchWindow.Workspace, benchLines[i%len(benchLines)])
	}
	m.report(b)
}
