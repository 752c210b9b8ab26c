package search_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

// A write block set by hand on an index (index.blocks.write or
// index.blocks.read_only: 403 cluster_block_exception on each bulk item)
// is no problem of the events: Write fails at once with a blocked error
// naming the block and the request that lifts it, nothing is rejected for
// the dead letter, and once the block is lifted the same events are stored,
// each once. The block is set on the test's own index.
func TestHandSetBlockIsNotDeadLettered(t *testing.T) {
	for _, which := range flavours {
		for _, block := range []string{"index.blocks.write", "index.blocks.read_only"} {
			t.Run(which+"/"+block, func(t *testing.T) {
				u := searchtest.Require(t, which)
				prefix := freshPrefix(t, u)
				proxy, bulks := bulkCounter(t, u)
				s := newRealSink(t, u, proxy, prefix)
				first := floodEvents(0, 5)
				writeAll(t, s, first)
				index := prefix + "-2026.11"
				searchtest.MustDo(t, http.MethodPut, u, "/"+index+"/_settings", `{"`+block+`": true}`)
				lift := func() { searchtest.MustDo(t, http.MethodPut, u, "/"+index+"/_settings", `{"`+block+`": null}`) }
				t.Cleanup(lift)

				blocked := floodEvents(5, 5)
				before := bulks.Load()
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				res, err := s.Write(ctx, blocked)
				t.Log(err)
				if !pipeline.IsBlocked(err) || pipeline.IsPermanent(err) || pipeline.IsStorageFull(err) {
					t.Fatalf("want a blocked error (neither permanent nor storage full), got %v", err)
				}
				for _, want := range []string{"cluster_block_exception", index, `PUT ` + index + `/_settings {"` + block + `": null}`} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
				if len(res.Rejected) != 0 {
					t.Errorf("%d events rejected for the dead letter; want none", len(res.Rejected))
				}
				if n := bulks.Load() - before; n != 1 {
					t.Errorf("%d bulk requests sent, want 1: the sink must not retry a block", n)
				}

				lift()
				res = writeAll(t, s, blocked)
				if res.Stored != len(blocked) || len(res.Rejected) != 0 {
					t.Errorf("after lifting the block: %+v; want %d stored", res, len(blocked))
				}
				sinktest.ExpectDocs(t, readBack(t, u, prefix), append(first, blocked...))
			})
		}
	}
}

// bulkCounter returns a proxy to u that counts the _bulk requests through it.
func bulkCounter(t *testing.T, u string) (string, *atomic.Int32) {
	p := searchtest.NewProxy(t, u)
	bulks := new(atomic.Int32)
	p.Decide(func(_ int, r *http.Request, _ []byte) searchtest.Fault {
		if r.URL.Path == "/_bulk" {
			bulks.Add(1)
		}
		return searchtest.Pass
	})
	return p.URL, bulks
}
