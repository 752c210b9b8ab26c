package search_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

// benchParams are the bulk settings both sides of the benchmark use; they
// come from the environment so scripts/bench-sink.sh can vary them.
type benchParams struct {
	batch, concurrency, docSize, slice int
	compress                           bool
}

func benchEnv(b *testing.B) benchParams {
	p := benchParams{batch: 1000, concurrency: 4, docSize: 1200, compress: true}
	for name, dst := range map[string]*int{"BENCH_BATCH": &p.batch, "BENCH_CONCURRENCY": &p.concurrency,
		"BENCH_DOC_SIZE": &p.docSize, "BENCH_SLICE": &p.slice} {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				b.Fatalf("%s=%q is not a positive number", name, v)
			}
			*dst = n
		}
	}
	if p.slice == 0 {
		p.slice = 6 * p.concurrency
	}
	if os.Getenv("BENCH_COMPRESS") == "false" {
		p.compress = false
	}
	return p
}

// BenchmarkSinkVsDirect measures events per second into each real server
// through the sink, and the same server's rate for pre-built bulk bodies
// (built and compressed before the clock starts) posted directly with the
// same batch size and concurrency. b.N is the number of events per side;
// run it with -benchtime 50000x or so (scripts/bench-sink.sh does).
//
// The machine is shared and its load drifts, so the two sides take turns
// in slices of 6 x concurrency requests (the order alternating), each into
// its own fresh indices under the same template, and each side's time is
// the sum of its slices.
func BenchmarkSinkVsDirect(b *testing.B) {
	for _, which := range flavours {
		b.Run(which, func(b *testing.B) {
			u := searchtest.Require(b, which)
			p := benchEnv(b)
			evs := sinktest.SizedEvents(b.N, p.docSize)
			dPrefix, sPrefix := benchPrefix(b, u), benchPrefix(b, u)
			bodies := buildBodies(b, dPrefix, p, evs)
			s := benchSink(b, u, sPrefix, p)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: p.concurrency}}
			slice := p.slice // requests per turn
			var direct, sink, directCPU, sinkCPU time.Duration
			var ratios []float64 // per turn: the sink's rate over the direct one
			var total pipeline.WriteResult
			b.ResetTimer()
			for turn, i := 0, 0; i < len(bodies); turn, i = turn+1, i+slice {
				j := min(i+slice, len(bodies))
				var dTurn, sTurn time.Duration
				sides := []func(){
					func() {
						c := cpuTime()
						dTurn = postBodies(b, client, u, p, bodies[i:j])
						directCPU += cpuTime() - c
					},
					func() {
						c := cpuTime()
						d, res := writeBatches(b, s, p, evs[i*p.batch:min(j*p.batch, len(evs))])
						sinkCPU += cpuTime() - c
						sTurn = d
						total.Add(res)
					},
				}
				sides[turn%2]()
				sides[1-turn%2]()
				direct, sink = direct+dTurn, sink+sTurn
				ratios = append(ratios, dTurn.Seconds()/sTurn.Seconds())
			}
			b.StopTimer()
			if n := searchtest.Count(b, u, search.IndexPattern(dPrefix)); n != len(evs) {
				b.Fatalf("direct stored %d of %d", n, len(evs))
			}
			if total.Stored != len(evs) {
				b.Fatalf("sink stored %d of %d", total.Stored, len(evs))
			}
			if total.Retries > 0 {
				b.Logf("the sink retried %d times", total.Retries)
			}
			dRate, sRate := rate(len(evs), direct), rate(len(evs), sink)
			b.ReportMetric(dRate, "direct_ev/s")
			b.ReportMetric(sRate, "sink_ev/s")
			b.ReportMetric(100*sRate/dRate, "sink_%_of_direct")
			// The median of the turns' ratios resists a load burst that
			// hit one side of a turn only.
			slices.Sort(ratios)
			b.ReportMetric(100*ratios[len(ratios)/2], "sink_%_of_direct_median")
			// The client's own CPU per event: on a machine shared with the
			// servers it is taken from them.
			b.ReportMetric(float64(directCPU.Microseconds())/float64(len(evs)), "direct_client_µs/ev")
			b.ReportMetric(float64(sinkCPU.Microseconds())/float64(len(evs)), "sink_client_µs/ev")
		})
	}
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

// cpuTime returns the CPU time this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPrefix returns a fresh prefix with the template installed.
func benchPrefix(b *testing.B, u string) string {
	p := searchtest.IndexName(b, "aspaudit-bench-")
	searchtest.DeleteIndices(b, u, search.IndexPattern(p))
	searchtest.DeleteIndexTemplate(b, u, p)
	cfg := search.NewDefaultConfig()
	cfg.Conn.URLs = []string{u}
	cfg.IndexPrefix = p
	cfg.Templates.Replicas = "0"
	s, err := search.New(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	if _, err := s.Write(context.Background(), nil); err != nil { // installs the template
		b.Fatal(err)
	}
	return p
}

// benchSink opens a connected sink with the benchmark's settings.
func benchSink(b *testing.B, u, prefix string, p benchParams) *search.Sink {
	cfg := search.NewDefaultConfig()
	cfg.Conn.URLs = []string{u}
	cfg.IndexPrefix = prefix
	cfg.BatchSize, cfg.Concurrency, cfg.Compress = p.batch, p.concurrency, p.compress
	cfg.BatchBytes = 100 << 20 // count-bound, like the direct side
	s, err := search.New(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close(context.Background()) })
	if _, err := s.Write(context.Background(), nil); err != nil { // connect outside the clock
		b.Fatal(err)
	}
	return s
}

// writeBatches writes evs through s in batches of batch_size from twice
// as many writers as requests in flight, the way the pipeline drives the
// sink: the sink still has at most concurrency requests on the wire, like
// the direct side, while the other writers' events are encoded.
func writeBatches(b *testing.B, s *search.Sink, p benchParams, evs []pipeline.Event) (time.Duration, pipeline.WriteResult) {
	start := time.Now()
	work := make(chan []pipeline.Event)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var total pipeline.WriteResult
	for range 2 * p.concurrency {
		wg.Go(func() {
			for batch := range work {
				res, err := s.Write(context.Background(), batch)
				if err != nil {
					b.Error(err)
				}
				mu.Lock()
				total.Add(res)
				mu.Unlock()
			}
		})
	}
	for i := 0; i < len(evs); i += p.batch {
		work <- evs[i:min(i+p.batch, len(evs))]
	}
	close(work)
	wg.Wait()
	return time.Since(start), total
}

// postBodies posts pre-built bodies from concurrency goroutines.
func postBodies(b *testing.B, client *http.Client, u string, p benchParams, bodies [][]byte) time.Duration {
	start := time.Now()
	work := make(chan []byte)
	var wg sync.WaitGroup
	for range p.concurrency {
		wg.Go(func() {
			for body := range work {
				postBulk(b, client, u, body, p.compress)
			}
		})
	}
	for _, body := range bodies {
		work <- body
	}
	close(work)
	wg.Wait()
	return time.Since(start)
}

// buildBodies prepares the bulk bodies of the direct side: the same
// create actions as the sink's, gzipped when the sink compresses.
func buildBodies(b *testing.B, prefix string, p benchParams, evs []pipeline.Event) [][]byte {
	var bodies [][]byte
	for i := 0; i < len(evs); i += p.batch {
		var buf bytes.Buffer
		for _, e := range evs[i:min(i+p.batch, len(evs))] {
			fmt.Fprintf(&buf, `{"create":{"_index":%q,"_id":%q}}`+"\n", search.IndexName(prefix, search.Month, e.Time), e.ID)
			buf.Write(e.Doc)
			buf.WriteByte('\n')
		}
		if p.compress {
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
			_, _ = zw.Write(buf.Bytes())
			_ = zw.Close()
			buf = z
		}
		bodies = append(bodies, buf.Bytes())
	}
	return bodies
}

// postBulk posts one body with the sink's own query, so that the server
// does the same work for both sides, answer included.
func postBulk(b *testing.B, c *http.Client, u string, body []byte, gz bool) {
	req, err := http.NewRequest(http.MethodPost, u+"/_bulk?filter_path=errors,items.*.status,items.*.error", bytes.NewReader(body))
	if err != nil {
		b.Error(err)
		return
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	res, err := c.Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	defer res.Body.Close()
	var ans struct {
		Errors bool `json:"errors"`
	}
	if err := json.NewDecoder(res.Body).Decode(&ans); err != nil || res.StatusCode != 200 || ans.Errors {
		b.Errorf("direct bulk: status %d, errors %v, %v", res.StatusCode, ans.Errors, err)
	}
}
