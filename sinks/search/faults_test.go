package search_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

// TestIndexAndReindex writes a sample, then the same sample again: the
// count is unchanged and the second write reports every event a duplicate.
func TestIndexAndReindex(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			s := newRealSink(t, u, u, prefix, func(c *search.Config) { c.BatchSize = 100 })
			evs := sinktest.Events(1000)
			if res := writeAll(t, s, evs); res.Stored != len(evs) || res.Duplicates != 0 || len(res.Rejected) != 0 {
				t.Fatalf("first write: %+v, want %d stored", res, len(evs))
			}
			if n := searchtest.Count(t, u, search.IndexPattern(prefix)); n != len(evs) {
				t.Fatalf("count after first write = %d, want %d", n, len(evs))
			}
			if res := writeAll(t, s, evs); res.Stored != 0 || res.Duplicates != len(evs) {
				t.Fatalf("re-write: %+v, want %d duplicates", res, len(evs))
			}
			if n := searchtest.Count(t, u, search.IndexPattern(prefix)); n != len(evs) {
				t.Fatalf("count after re-write = %d, want %d", n, len(evs))
			}
			// sinktest.Events spreads events over three months.
			if got := len(searchtest.Indices(t, u, search.IndexPattern(prefix))); got != 3 {
				t.Fatalf("%d indices, want 3 monthly ones", got)
			}
		})
	}
}

// TestItemThrottlingRetried has every second item of the first requests
// answered 429 es_rejected_execution_exception (a full write queue) and
// sees those items, not whole requests, sent again and every event stored
// once. (A read_only_allow_delete block, also 429, is a full disk: see
// TestFloodStageIsStorageFull.)
func TestItemThrottlingRetried(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			// The first two bulk requests have every second item answered
			// 429: only those items are sent again.
			p := searchtest.NewProxy(t, u)
			bulks := 0 // Decide's calls are serialised
			var sizes []int
			p.Decide(func(_ int, r *http.Request, body []byte) searchtest.Fault {
				if r.URL.Path != "/_bulk" {
					return searchtest.Pass
				}
				bulks++
				sizes = append(sizes, bytes.Count(body, []byte("\n"))/2)
				if bulks <= 2 {
					return searchtest.ThrottleItems
				}
				return searchtest.Pass
			})
			s := newRealSink(t, u, p.URL, prefix, func(c *search.Config) { c.Compress = false })
			evs := sinktest.Events(300)
			res := writeAll(t, s, evs)
			if res.Stored+res.Duplicates != len(evs) || len(res.Rejected) != 0 || res.Retries == 0 {
				t.Fatalf("result %+v: want all %d settled as stored after retries", res, len(evs))
			}
			if p.Count(searchtest.ThrottleItems) != 2 || len(sizes) < 3 || sizes[1] >= sizes[0] {
				t.Errorf("bulk requests of %v items: want the throttled half sent again, not the whole", sizes)
			}
			sinktest.ExpectDocs(t, readBack(t, u, prefix), evs)
		})
	}
}

// TestMappingRejection writes an event the template's mapping refuses and
// gets it back as a rejection with the cluster's reason.
func TestMappingRejection(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			s := newRealSink(t, u, u, prefix)
			good := sinktest.Events(20)
			bad := badIPEvent()
			res := writeAll(t, s, append(good, bad))
			if res.Stored != len(good) || len(res.Rejected) != 1 {
				t.Fatalf("result %+v: want %d stored, 1 rejected", res, len(good))
			}
			r := res.Rejected[0]
			if r.Event.ID != bad.ID || r.Status != http.StatusBadRequest ||
				!strings.HasPrefix(r.Reason, "document_parsing_exception: ") && !strings.HasPrefix(r.Reason, "mapper_parsing_exception: ") ||
				!strings.Contains(r.Reason, "source.ip") {
				t.Fatalf("rejection %+v: want 400 with the mapping error naming source.ip", r)
			}
		})
	}
}

// TestOutageMidBatch makes the cluster unreachable in the middle of a
// large write: first refusing connections, then answering 503, then
// storing requests but never answering them. The write completes once
// the cluster is back, every event stored once.
func TestOutageMidBatch(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			p := searchtest.NewProxy(t, u)
			var down atomic.Bool
			bulks := 0
			p.Decide(func(_ int, r *http.Request, _ []byte) searchtest.Fault {
				if r.URL.Path != "/_bulk" {
					return searchtest.Pass
				}
				bulks++
				switch {
				case bulks == 3:
					down.Store(true)
				case !down.Load():
					return searchtest.Pass
				case bulks > 12:
					down.Store(false)
					return searchtest.Pass
				}
				return []searchtest.Fault{searchtest.Drop, searchtest.Unavailable, searchtest.DropAfter}[bulks%3]
			})
			s := newRealSink(t, u, p.URL, prefix, func(c *search.Config) { c.BatchSize = 50; c.Concurrency = 2 })
			evs := sinktest.Events(2000)
			res := writeAll(t, s, evs)
			if res.Stored+res.Duplicates != len(evs) || len(res.Rejected) != 0 {
				t.Fatalf("result %+v: want all %d stored", res, len(evs))
			}
			if p.Count(searchtest.DropAfter) == 0 || p.Count(searchtest.Drop) == 0 || p.Count(searchtest.Unavailable) == 0 {
				t.Fatal("the outage did not happen during the write")
			}
			if res.Duplicates == 0 {
				t.Error("no duplicates: the requests stored but unanswered were not seen again")
			}
			sinktest.ExpectDocs(t, readBack(t, u, prefix), evs)
		})
	}
}

// TestTooLargeSplitReal has a proxy refuse requests above a size with 413,
// as a cluster does above http.max_content_length.
func TestTooLargeSplitReal(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			p := searchtest.NewProxy(t, u)
			const limit = 20 << 10
			p.Decide(func(_ int, r *http.Request, body []byte) searchtest.Fault {
				if r.URL.Path == "/_bulk" && len(body) > limit {
					return searchtest.TooLarge
				}
				return searchtest.Pass
			})
			s := newRealSink(t, u, p.URL, prefix, func(c *search.Config) { c.Compress = false })
			evs := sinktest.SizedEvents(100, 1000)
			huge := sinktest.SizedEvents(1, 2*limit)[0]
			res := writeAll(t, s, append(evs, huge))
			if res.Stored != len(evs) || len(res.Rejected) != 1 || res.Rejected[0].Event.ID != huge.ID || res.Rejected[0].Status != 413 {
				t.Fatalf("result %+v: want %d stored and the huge event rejected with 413", res, len(evs))
			}
			if p.Count(searchtest.TooLarge) == 0 {
				t.Fatal("no request was refused: the test proves nothing")
			}
			sinktest.ExpectDocs(t, readBack(t, u, prefix), evs)
		})
	}
}
