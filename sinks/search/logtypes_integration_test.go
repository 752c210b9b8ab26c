package search_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform/oplog"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// TestOperationalEventsInTheirOwnIndices writes a batch mixing both log
// types to the real servers: audit events go to index_prefix-*, operational
// ones to their own prefix under their own template, whose flattened
// fields and log level are searchable.
func TestOperationalEventsInTheirOwnIndices(t *testing.T) {
	for _, which := range flavours {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			audit := freshPrefix(t, u)
			ops := freshPrefix(t, u)
			s := newRealSink(t, u, u, audit, func(c *search.Config) {
				c.IndexPrefixes = map[string]string{"operational": ops}
			})
			w := pipeline.Window{Series: pipeline.Series{ProjectID: "5f1d7e3a2b4c6d8e9f0a1b2c", Workspace: "ws", LogType: pipeline.OperationalLog},
				Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
			p := pipeline.Parsers{pipeline.OperationalLog: oplog.New()}
			var batch []pipeline.Event
			for _, line := range []string{
				`{"t":{"$date":"2026-11-01T10:00:00.000Z"},"s":"E","c":"NETWORK","id":1,"ctx":"c","msg":"Connection failed","attr":{"processorName":"orders","error":{"code":6,"x.y":"z"}}}`,
				`{"timestamp":"2026-11-01T11:00:00Z","level":"warn","message":"lag","details":{"offset":12}}`,
				"2026-11-01T12:00:00Z INFO [STREAMS] started",
			} {
				ev, err := p.Parse([]byte(line), w)
				if err != nil {
					t.Fatal(err)
				}
				batch = append(batch, ev)
			}
			batch = append(batch, pipeline.Event{ID: "audit-1", Time: w.Start, Doc: []byte(`{"@timestamp":"2026-11-01T00:00:00Z","event":{"action":"authenticate"}}`)})
			if res := writeAll(t, s, batch); res.Stored != len(batch) {
				t.Fatalf("result %+v", res)
			}
			if got := readBack(t, u, audit); len(got) != 1 || got[0].ID != "audit-1" {
				t.Fatalf("audit indices hold %v", got)
			}
			if got := readBack(t, u, ops); len(got) != 3 {
				t.Fatalf("operational indices hold %d documents, want 3", len(got))
			}
			searchtest.Refresh(t, u, search.IndexPattern(ops))
			for _, q := range []string{
				`{"query":{"term":{"log.level":"error"}}}`,
				`{"query":{"term":{"atlas.streams.log.fields.attr.error.x.y":"z"}}}`,
				`{"query":{"term":{"atlas.streams.processor":"orders"}}}`,
			} {
				b := searchtest.MustDo(t, http.MethodGet, u, "/"+url.PathEscape(search.IndexPattern(ops))+"/_search", q)
				var ans struct {
					Hits struct{ Hits []json.RawMessage } `json:"hits"`
				}
				_ = json.Unmarshal(b, &ans)
				if len(ans.Hits.Hits) != 1 {
					t.Fatalf("%s: %d hits: %s", q, len(ans.Hits.Hits), b)
				}
			}
			b := searchtest.MustDo(t, http.MethodGet, u, "/_index_template/"+ops, "")
			if !strings.Contains(string(b), `"log"`) || !strings.Contains(string(b), ops+"-*") {
				t.Fatalf("operational template: %s", b)
			}
		})
	}
}
