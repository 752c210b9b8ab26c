package search_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

var flavours = []string{"ES", "OS"}

// realSinks remembers the index prefix each test sink writes to, so that
// the conformance suite can read back and reopen.
var realSinks sync.Map // *search.Sink -> sinkTarget

type sinkTarget struct{ url, prefix string }

// newRealSink opens a sink writing through sinkURL (the server or a proxy
// to it) to indices named prefix-*, with the index template installed on
// first write. Indices and template are deleted when the test ends.
func newRealSink(t *testing.T, serverURL, sinkURL, prefix string, mutate ...func(*search.Config)) *search.Sink {
	t.Helper()
	cfg := search.NewDefaultConfig()
	cfg.Conn.URLs = []string{sinkURL}
	cfg.IndexPrefix = prefix
	cfg.Templates.Replicas = "0"
	cfg.Retry.Initial = 50 * time.Millisecond
	cfg.Retry.Max = time.Second
	cfg.Retry.Budget = 2 * time.Minute
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := search.New(cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	realSinks.Store(s, sinkTarget{url: serverURL, prefix: prefix})
	return s
}

// freshPrefix returns a unique prefix whose indices and template are
// deleted when the test ends.
func freshPrefix(t *testing.T, u string) string {
	t.Helper()
	p := searchtest.IndexName(t, "aspaudit-test-")
	searchtest.DeleteIndices(t, u, search.IndexPattern(p))
	searchtest.DeleteIndexTemplate(t, u, p)
	return p
}

// readBack returns every document stored under prefix, one per copy.
func readBack(t *testing.T, u, prefix string) []sinktest.Doc {
	t.Helper()
	pattern := search.IndexPattern(prefix)
	searchtest.Refresh(t, u, pattern)
	b := searchtest.MustDo(t, http.MethodGet, u, "/"+url.PathEscape(pattern)+
		"/_search?size=10000&ignore_unavailable=true&allow_no_indices=true", `{"query":{"match_all":{}}}`)
	var ans struct {
		Hits struct {
			Hits []struct {
				ID     string          `json:"_id"`
				Source json.RawMessage `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatalf("decoding search answer: %v", err)
	}
	docs := make([]sinktest.Doc, 0, len(ans.Hits.Hits))
	for _, h := range ans.Hits.Hits {
		docs = append(docs, sinktest.Doc{ID: h.ID, Source: h.Source})
	}
	return docs
}

func writeAll(t *testing.T, s *search.Sink, evs []pipeline.Event) pipeline.WriteResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := s.Write(ctx, evs)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return res
}

// badIPEvent is refused by the template's mapping: source.ip is an ip.
func badIPEvent() pipeline.Event {
	return pipeline.Event{ID: "bad-ip-" + time.Now().Format("150405.000000000"), Time: t0,
		Doc: []byte(`{"@timestamp":"2026-11-05T10:00:00Z","event":{"action":"authenticate"},"source":{"ip":"not-an-ip"}}`)}
}

func TestConformance(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			newSink := func(t *testing.T) pipeline.Sink {
				return newRealSink(t, u, u, freshPrefix(t, u))
			}
			sinktest.RunSinkSuite(t, newSink, sinktest.SinkOptions{
				Stored: func(t *testing.T, s pipeline.Sink) []sinktest.Doc {
					tg, _ := realSinks.Load(s)
					return readBack(t, u, tg.(sinkTarget).prefix)
				},
				Reopen: func(t *testing.T, s pipeline.Sink) pipeline.Sink {
					tg, _ := realSinks.Load(s)
					return newRealSink(t, u, u, tg.(sinkTarget).prefix)
				},
				Reject: func(t *testing.T) pipeline.Event { return badIPEvent() },
				Faulty: func(t *testing.T) pipeline.Sink {
					p := searchtest.NewProxy(t, u)
					bulks := 0 // Decide's calls are serialised
					p.Decide(func(_ int, r *http.Request, _ []byte) searchtest.Fault {
						if r.URL.Path != "/_bulk" {
							return searchtest.Pass
						}
						bulks++
						if bulks%2 == 0 {
							return searchtest.Pass
						}
						return []searchtest.Fault{searchtest.Unavailable, searchtest.Drop, searchtest.DropAfter}[bulks/2%3]
					})
					return newRealSink(t, u, p.URL, freshPrefix(t, u))
				},
			})
		})
	}
}
