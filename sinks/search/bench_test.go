package search_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
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
	batch, concurrency, docSize, rounds int
	compress                    bool
}

func benchEnv(b *testing.B) benchParams {
	p := benchParams{batch: 1000, concurrency: 4, docSize: 1200, rounds: 2, compress: true}
	for name, dst := range map[string]*int{"BENCH_BATCH": &p.batch, "BENCH_CONCURRENCY": &p.concurrency,
		"BENCH_DOC_SIZE": &p.docSize, "BENCH_ROUNDS": &p.rounds} {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				b.Fatalf("%s=%q is not a positive number", name, v)
			}
			*dst = n
		}
	}
	if os.Getenv("BENCH_COMPRESS") == "false" {
		p.compress = false
	}
	return p
}

// BenchmarkSinkVsDirect measures events per second into each real server
// through the sink, and the same server's rate for pre-built bulk bodies
// (built and compressed before the clock starts) posted directly with the
// same batch size and concurrency. b.N is the number of events; run it
// with -benchtime 50000x or so (scripts/bench-sink.sh does). Both sides
// write fresh indices under the same installed template.
func BenchmarkSinkVsDirect(b *testing.B) {
	for _, which := range flavours {
		b.Run(which, func(b *testing.B) {
			u := searchtest.Require(b, which)
			p := benchEnv(b)
			evs := sinktest.SizedEvents(b.N, p.docSize)
			b.ResetTimer()
			// Alternate the order over rounds and keep each side's best
			// rate: the servers warm up, and the machine is shared.
			var dRate, sRate float64
			for r := range p.rounds {
				sides := []func(){
					func() { dRate = max(dRate, rate(len(evs), timeDirect(b, u, p, evs))) },
					func() { sRate = max(sRate, rate(len(evs), timeSink(b, u, p, evs))) },
				}
				sides[r%2]()
				sides[1-r%2]()
			}
			b.StopTimer()
			b.ReportMetric(dRate, "direct_ev/s")
			b.ReportMetric(sRate, "sink_ev/s")
			b.ReportMetric(100*sRate/dRate, "sink_%_of_direct")
		})
	}
}

func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

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

func timeSink(b *testing.B, u string, p benchParams, evs []pipeline.Event) time.Duration {
	b.StopTimer()
	prefix := benchPrefix(b, u)
	cfg := search.NewDefaultConfig()
	cfg.Conn.URLs = []string{u}
	cfg.IndexPrefix = prefix
	cfg.BatchSize, cfg.Concurrency, cfg.Compress = p.batch, p.concurrency, p.compress
	cfg.BatchBytes = 100 << 20 // count-bound, like the direct side
	s, err := search.New(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	if _, err := s.Write(context.Background(), nil); err != nil { // connect outside the clock
		b.Fatal(err)
	}
	b.StartTimer()
	start := time.Now()
	// As many writers as requests in flight, each writing batches of
	// batch_size: the way the pipeline drives the sink.
	work := make(chan []pipeline.Event)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var total pipeline.WriteResult
	for range p.concurrency {
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
	d := time.Since(start)
	if total.Stored != len(evs) {
		b.Fatalf("sink stored %d of %d", total.Stored, len(evs))
	}
	return d
}

func timeDirect(b *testing.B, u string, p benchParams, evs []pipeline.Event) time.Duration {
	b.StopTimer()
	prefix := benchPrefix(b, u)
	bodies := buildBodies(b, prefix, p, evs)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: p.concurrency}}
	b.StartTimer()
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
	d := time.Since(start)
	if n := searchtest.Count(b, u, search.IndexPattern(prefix)); n != len(evs) {
		b.Fatalf("direct stored %d of %d", n, len(evs))
	}
	return d
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

func postBulk(b *testing.B, c *http.Client, u string, body []byte, gz bool) {
	req, err := http.NewRequest(http.MethodPost, u+"/_bulk?filter_path=errors", bytes.NewReader(body))
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
