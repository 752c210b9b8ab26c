package search_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// A cluster whose disk passed the flood-stage watermark puts a
// read-only-allow-delete block on its indices and answers each bulk item
// 429 cluster_block_exception. Write fails at once with a full-storage
// error that names the cause and the fix, instead of retrying for the
// whole budget. The block is set by hand on the test's own index, as the
// cluster does it at flood stage, and lifted at the end.
func TestFloodStageIsStorageFull(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			proxy, bulks := bulkCounter(t, u)
			s := newRealSink(t, u, proxy, prefix)
			writeAll(t, s, floodEvents(0, 5))
			index := search.IndexPattern(prefix)
			searchtest.MustDo(t, http.MethodPut, u, "/"+index+"/_settings", `{"index.blocks.read_only_allow_delete": true}`)
			t.Cleanup(func() {
				searchtest.MustDo(t, http.MethodPut, u, "/"+index+"/_settings", `{"index.blocks.read_only_allow_delete": null}`)
			})
			before := bulks.Load()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, err := s.Write(ctx, floodEvents(5, 5))
			t.Log(err)
			if !pipeline.IsStorageFull(err) {
				t.Fatalf("want a full-storage error, got %v", err)
			}
			for _, want := range []string{"disk is full", "flood-stage", "free disk space", "read_only_allow_delete"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if n := bulks.Load() - before; n != 1 {
				t.Errorf("%d bulk requests sent, want 1: the sink must not retry a full disk", n)
			}
		})
	}
}

func floodEvents(from, n int) []pipeline.Event {
	evs := make([]pipeline.Event, n)
	for i := range evs {
		evs[i] = pipeline.Event{ID: fmt.Sprintf("flood-%d", from+i), Time: t0,
			Doc: fmt.Appendf(nil, `{"@timestamp":"2026-11-05T10:00:00Z","event":{"action":"flood-%d"}}`, from+i)}
	}
	return evs
}
