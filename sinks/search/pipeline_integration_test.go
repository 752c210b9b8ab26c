package search_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

// TestIngestPipelineRunsOnEveryEvent: with sink.<type>.pipeline set, every bulk
// request names the pipeline and the cluster runs it on each event. The
// integ-test servers carry no ingest processor module (OpenSearch none,
// Elasticsearch only set_security_user, which needs security), so the
// pipeline has no processor; that it runs shows in Elasticsearch's ingest
// byte counter and, on both, in every event being refused once the
// pipeline is deleted.
func TestIngestPipelineRunsOnEveryEvent(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			name := prefix + "-enrich"
			path := "/_ingest/pipeline/" + url.PathEscape(name)
			searchtest.MustDo(t, http.MethodPut, u, path, `{"description":"aspaudit test","processors":[]}`)
			t.Cleanup(func() { searchtest.Do(t, http.MethodDelete, u, path, "") })

			s := newRealSink(t, u, u, prefix, func(c *search.Config) { c.Templates.Pipeline = name })
			evs := sinktest.Events(30)
			if res := writeAll(t, s, evs[:25]); res.Stored != 25 {
				t.Fatalf("stored %d of 25", res.Stored)
			}
			if which == "ES" {
				if n := pipelineBytes(t, u, name); n < 25*100 {
					t.Errorf("pipeline %s took %d bytes for 25 events", name, n)
				}
			}
			searchtest.MustDo(t, http.MethodDelete, u, path, "")
			res := writeAll(t, s, evs[25:])
			if len(res.Rejected) != 5 {
				t.Fatalf("after deleting the pipeline: %+v; want the 5 events refused", res)
			}
			for _, r := range res.Rejected {
				if !strings.Contains(r.Reason, name) {
					t.Errorf("refused for %q, not for the missing pipeline", r.Reason)
				}
			}
		})
	}
}

// TestMissingIngestPipelineStopsTheFirstWrite: a pipeline that does not
// exist would make the cluster refuse every event; the first write fails
// for good instead, storing and refusing nothing.
func TestMissingIngestPipelineStopsTheFirstWrite(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := freshPrefix(t, u)
			s := newRealSink(t, u, u, prefix, func(c *search.Config) { c.Templates.Pipeline = prefix + "-missing" })
			res, err := s.Write(context.Background(), sinktest.Events(3))
			if err == nil || !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), ".pipeline)") {
				t.Fatalf("Write with a missing pipeline: %v; want a permanent error naming sink.<type>.pipeline", err)
			}
			if len(res.Rejected) != 0 || res.Stored != 0 {
				t.Fatalf("Write settled events: %+v", res)
			}
			if docs := readBack(t, u, prefix); len(docs) != 0 {
				t.Fatalf("%d events stored", len(docs))
			}
		})
	}
}

// pipelineBytes sums the nodes' bytes ingested by one pipeline
// (Elasticsearch counts them even for a pipeline without processors).
func pipelineBytes(t *testing.T, u, name string) int {
	t.Helper()
	b := searchtest.MustDo(t, http.MethodGet, u, "/_nodes/stats/ingest", "")
	var st struct {
		Nodes map[string]struct {
			Ingest struct {
				Pipelines map[string]struct {
					Bytes int `json:"ingested_as_first_pipeline_in_bytes"`
				} `json:"pipelines"`
			} `json:"ingest"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("decoding ingest stats: %v", err)
	}
	n := 0
	for _, node := range st.Nodes {
		n += node.Ingest.Pipelines[name].Bytes
	}
	return n
}
