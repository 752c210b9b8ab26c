package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

func TestImportOversizeElasticsearch(t *testing.T) {
	t.Parallel()
	testImportOversize(t, searchTarget(t, "ES"))
}

func TestImportOversizeOpenSearch(t *testing.T) {
	t.Parallel()
	testImportOversize(t, searchTarget(t, "OS"))
}

// oversizeLines returns lines as large as Atlas may write: 2 MB lines of
// both schemas (a processor definition of many long stages) and lines
// whose single value is 1 MB.
func oversizeLines() []string {
	stage := `{ "$addFields" : { "f%d" : "` + strings.Repeat("s", 8000) + `" } }`
	var stages []string
	for i := range 256 {
		stages = append(stages, fmt.Sprintf(stage, i))
	}
	pipeline := "[ " + strings.Join(stages, ", ") + " ]"
	mb := strings.Repeat("v", 1<<20)
	quoted, _ := json.Marshal(pipeline)
	return []string{
		`{ "atype" : "createStreamProcessor", "ts" : { "$date" : "2026-11-01T01:00:00.000+0000" }, "users" : [ { "user" : "alice", "db" : "admin" } ], "param" : { "name" : "two_mb", "pipeline" : ` + pipeline + ` }, "result" : 0 }`,
		`{"time":1793509260000,"class_uid":6003,"category_uid":6,"activity_id":1,"type_uid":600301,"status_id":1,"actor":{"user":{"name":"admin.alice"}},"api":{"operation":"createStreamProcessor","request":{"data":{"name":"two_mb_ocsf","pipeline":` + string(quoted) + `}},"response":{"code":0}},"unmapped":{"atype":"createStreamProcessor"}}`,
		`{ "atype" : "modifyStreamProcessor", "ts" : { "$date" : "2026-11-01T01:02:00.000+0000" }, "users" : [ { "user" : "alice", "db" : "admin" } ], "param" : { "name" : "one_mb", "comment" : "` + mb + `" }, "result" : 0 }`,
		`{"time":1793509380000,"class_uid":6003,"category_uid":6,"activity_id":3,"type_uid":600303,"status_id":1,"actor":{"user":{"name":"admin.alice"}},"api":{"operation":"modifyStreamProcessor","request":{"data":{"name":"one_mb_ocsf","comment":"` + mb + `"}},"response":{"code":0}},"unmapped":{"atype":"modifyStreamProcessor"},"entity":"` + mb + `"}`,
	}
}

// testImportOversize imports 2 MB lines and 1 MB values: every event is
// stored (exit 0, nothing dead-lettered) and found by event.action.
func testImportOversize(t *testing.T, tg target) {
	binary(t)
	lines := oversizeLines()
	archive := filepath.Join(t.TempDir(), "ws-big_2026-11-01T00:00:00Z_2026-11-01T12:00:00Z_audit.log.gz")
	f, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	for _, l := range lines {
		if len(l) < 1<<20 {
			t.Fatalf("a test line of only %d bytes", len(l))
		}
		fmt.Fprintln(zw, l)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	r := aspaudit(t, tg.env, "import", "--project", e2eProject, "--report", "json", archive)
	mustExit(t, r, exitOK, "importing oversize lines")
	rep := parseReport(t, r)
	if rep.EventsStored != int64(len(lines)) || rep.DeadLettered != 0 || rep.ParseFailures != 0 {
		t.Fatalf("report %+v; want %d events stored, none dead-lettered", rep, len(lines))
	}
	for action, want := range map[string]int{"createStreamProcessor": 2, "modifyStreamProcessor": 2} {
		q := `{"size":10,"_source":["aspaudit","event.action"],"query":{"term":{"event.action":"` + action + `"}}}`
		body := searchHits(t, tg.url, tg.prefix+"-*", q)
		if len(body) != want {
			t.Errorf("event.action:%s finds %d events, want %d", action, len(body), want)
		}
	}
	// The 1 MB values are searchable by their indexed prefix, and marked.
	q := `{"size":10,"query":{"bool":{"filter":[{"term":{"aspaudit.truncated_fields":"mongodb.audit.param"}},{"term":{"mongodb.audit.param.comment":"` + strings.Repeat("v", 8191) + `"}}]}}}`
	if hits := searchHits(t, tg.url, tg.prefix+"-*", q); len(hits) != 1 {
		t.Errorf("the cut 1 MB value is found %d times, want once", len(hits))
	}
}

// searchHits runs a search and returns its hits' _source.
func searchHits(t *testing.T, u, pattern, query string) []json.RawMessage {
	t.Helper()
	searchtest.Refresh(t, u, pattern)
	body := searchtest.MustDo(t, http.MethodPost, u, "/"+url.PathEscape(pattern)+"/_search", query)
	var res struct {
		Hits struct {
			Hits []struct {
				Source json.RawMessage `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("decoding a search: %v: %.300s", err, body)
	}
	out := make([]json.RawMessage, len(res.Hits.Hits))
	for i, h := range res.Hits.Hits {
		out[i] = h.Source
	}
	return out
}
