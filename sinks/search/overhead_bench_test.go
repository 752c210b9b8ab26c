package search_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

// BenchmarkSinkOverhead measures the sink's own cost per event (encoding,
// compression, answer parsing) against a server that answers at once.
func BenchmarkSinkOverhead(b *testing.B) {
	const batch = 1000
	answer := `{"errors":false,"items":[` + strings.TrimSuffix(strings.Repeat(`{"create":{"status":201}},`, batch), ",") + `]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		if r.URL.Path == "/" {
			fmt.Fprint(w, `{"version":{"number":"8.19.0"}}`)
			return
		}
		if r.URL.Path != "/_bulk" {
			// Credentials that may only write: the sink checks nothing.
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"error":{"type":"security_exception","reason":"write only"},"status":403}`)
			return
		}
		fmt.Fprint(w, answer)
	}))
	defer srv.Close()
	for _, compress := range []bool{true, false} {
		b.Run(fmt.Sprintf("compress=%v", compress), func(b *testing.B) {
			cfg := search.NewDefaultConfig()
			cfg.Conn.URLs = []string{srv.URL}
			cfg.Templates.Install = false
			cfg.Compress = compress
			cfg.Concurrency = 1
			s, err := search.New(cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close(context.Background())
			evs := sinktest.SizedEvents(batch, 1200)
			b.SetBytes(int64(len(evs[0].Doc)) * batch)
			b.ResetTimer()
			for range b.N {
				if _, err := s.Write(context.Background(), evs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/event")
		})
	}
}
