package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// sampleLines are audit lines of both schemas covering what the saved
// searches and charts look for: successful and failed authentications,
// the stream processor lifecycle, an audit log download, and a line that
// cannot be parsed.
func sampleLines() []string {
	mongo := func(atype, user string, result int, param string) string {
		users := `[]`
		if user != "" {
			users = fmt.Sprintf(`[{"user":%q,"db":"admin"}]`, user)
		}
		return fmt.Sprintf(`{"atype":%q,"ts":{"$date":"2026-11-03T10:%02d:00.000+0000"},`+
			`"uuid":{"$binary":"KXMtAMh9TOOSl9aQBW1Zkg==","$type":"04"},`+
			`"local":{"ip":"10.0.0.1","port":27017},"remote":{"ip":"203.0.113.7","port":51234},`+
			`"users":%s,"roles":[{"role":"readWrite","db":"admin"}],"param":%s,"result":%d}`,
			atype, result+len(param)%50, users, param, result)
	}
	ocsfTime := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC).UnixMilli()
	return []string{
		mongo("authenticate", "alice", 0, `{"user":"alice","db":"admin","mechanism":"SCRAM-SHA-256"}`),
		mongo("authenticate", "", 18, `{"user":"mallory","db":"admin","mechanism":"SCRAM-SHA-256"}`),
		mongo("createStreamProcessor", "alice", 0, `{"name":"orders-enricher","pipeline":[{"$source":{"connectionName":"kafka"}}]}`),
		mongo("startStreamProcessor", "alice", 0, `{"name":"orders-enricher"}`),
		mongo("stopStreamProcessor", "alice", 0, `{"name":"orders-enricher"}`),
		mongo("dropStreamProcessor", "alice", 0, `{"name":"orders-enricher"}`),
		mongo("auditLogAccessed", "aspaudit", 0, `{}`),
		// Logouts are authentication events too, but not logins.
		mongo("logout", "alice", 0, `{"reason":"Explicit logout from db 'admin'","initialUsers":[{"user":"alice","db":"admin"}],"updatedUsers":[]}`),
		fmt.Sprintf(`{"activity_id":2,"category_uid":3,"class_uid":3002,"time":%d,"severity_id":1,`+
			`"type_uid":300202,"status_id":1,"actor":{"user":{"type_id":1,"name":"admin.bob"}},`+
			`"user":{"type_id":1,"name":"admin.bob"},"message":"Explicit logout","unmapped":{"atype":"logout"}}`, ocsfTime+1000),
		fmt.Sprintf(`{"activity_id":1,"category_uid":3,"class_uid":3002,"time":%d,"severity_id":1,`+
			`"type_uid":300201,"status_id":2,"actor":{"user":{"type_id":1,"name":"admin.bob"}},`+
			`"src_endpoint":{"ip":"198.51.100.9","port":40000},"dst_endpoint":{"ip":"10.0.0.2","port":27017},`+
			`"user":{"type_id":1,"name":"admin.bob"},"auth_protocol":"SCRAM-SHA-256","unmapped":{"atype":"authenticate"}}`, ocsfTime),
		`this line is not JSON`,
	}
}

// wantHits is how many sample events each query of the exports matches.
var wantHits = map[string]int{
	"": 11,
	`event.category : "authentication" and event.type : "start"`:                               3,
	`event.category : "authentication" and event.type : "start" and event.outcome : "failure"`: 2,
	`event.action : "auditLogAccessed"`:                                                        1,
	`event.kind : "pipeline_error"`:                                                            1,
	`event.action : ("createStreamProcessor" or "startStreamProcessor" or "stopStreamProcessor" or "modifyStreamProcessor" or "dropStreamProcessor")`: 4,
}

// TestFieldsExistInRealClusters installs the real index template on a real
// Elasticsearch and OpenSearch, indexes events made by the real parser,
// and checks with _field_caps that every field a panel, column, format,
// sort or query of either export uses exists with a type that use needs,
// then that each query finds the sample events it is meant to find.
func TestFieldsExistInRealClusters(t *testing.T) {
	for _, which := range []string{"ES", "OS"} {
		t.Run(which, func(t *testing.T) {
			u := searchtest.Require(t, which)
			prefix := searchtest.IndexName(t, "aspaudit-dash-")
			installTemplate(t, u, prefix)
			indexSamples(t, u, prefix)
			pattern := search.IndexPattern(prefix)
			caps := fieldCaps(t, u, pattern)
			for _, f := range flavors {
				for _, p := range unmetUses(fieldUses(t, f), caps) {
					t.Errorf("%s on %s: %s", f, which, p)
				}
				for _, q := range exportQueries(t, f) {
					want, ok := wantHits[q]
					if !ok {
						t.Errorf("%s: query %q has no expected hit count in this test", f, q)
						continue
					}
					if got := countQuery(t, u, pattern, q); got != want {
						t.Errorf("%s on %s: query %q matches %d sample events, want %d", f, which, q, got, want)
					}
				}
			}
		})
	}
}

func installTemplate(t *testing.T, u, prefix string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := conn.New(conn.Config{URLs: []string{u}, Timeout: 30 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := c.Detect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg := templates.NewDefaultConfig()
	cfg.Retention = 0
	if _, err := templates.Install(ctx, c, srv, templates.Layout{Prefix: prefix}, cfg); err != nil {
		t.Fatalf("installing the index template: %v", err)
	}
	searchtest.DeleteIndexTemplate(t, u, prefix)
	searchtest.DeleteIndices(t, u, search.IndexPattern(prefix))
}

// indexSamples parses the sample lines with the real parser and bulk
// indexes the events where the sink would put them.
func indexSamples(t *testing.T, u, prefix string) {
	t.Helper()
	p := transform.New(transform.NewDefaultConfig())
	w := pipeline.Window{
		Series: pipeline.Series{ProjectID: "0123456789abcdef01234567", Workspace: "ws-prod"},
		Start:  time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC),
		End:    time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC),
	}
	var body strings.Builder
	for _, line := range sampleLines() {
		ev, _ := p.Parse([]byte(line), w) // failures are events too
		meta, _ := json.Marshal(map[string]any{"create": map[string]any{
			"_index": search.IndexName(prefix, search.Month, ev.Time), "_id": ev.ID,
		}})
		body.Write(meta)
		body.WriteByte('\n')
		body.Write(ev.Doc)
		body.WriteByte('\n')
	}
	b := searchtest.MustDo(t, http.MethodPost, u, "/_bulk?refresh=true", body.String())
	var r struct {
		Errors bool `json:"errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Errors {
		t.Fatalf("bulk indexing the samples: %v: %s", err, b)
	}
}

func fieldCaps(t *testing.T, u, pattern string) map[string]map[string]fieldCap {
	t.Helper()
	b := searchtest.MustDo(t, http.MethodGet, u, "/"+url.PathEscape(pattern)+"/_field_caps?fields=*", "")
	var r struct {
		Fields map[string]map[string]fieldCap `json:"fields"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decoding field caps: %v", err)
	}
	return r.Fields
}

// exportQueries returns the distinct KQL queries of an export.
func exportQueries(t *testing.T, f Flavor) []string { return exportQueriesIn(t, parsed(t, f)) }

// exportQueriesIn is exportQueries of any export.
func exportQueriesIn(t *testing.T, x Export) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range x.Objects {
		a := attrs(t, o)
		var q string
		if o.Type == "lens" {
			q, _ = a["state"].(map[string]any)["query"].(map[string]any)["query"].(string)
		} else if _, ok := a["kibanaSavedObjectMeta"]; ok {
			ss := jsonAttr(t, o, a, "kibanaSavedObjectMeta", "searchSourceJSON").(map[string]any)
			q, _ = ss["query"].(map[string]any)["query"].(string)
		}
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}

// countQuery counts the events a KQL query matches. The exports use a
// subset of KQL (field : "value", and, or, parentheses) that reads the same
// as Lucene query syntax once the operators are upper-cased.
func countQuery(t *testing.T, u, pattern, kql string) int {
	t.Helper()
	q := map[string]any{"match_all": map[string]any{}}
	if kql != "" {
		lucene := strings.NewReplacer(" : ", ":", " and ", " AND ", " or ", " OR ").Replace(kql)
		q = map[string]any{"query_string": map[string]any{"query": lucene}}
	}
	body, _ := json.Marshal(map[string]any{"query": q})
	b := searchtest.MustDo(t, http.MethodPost, u, "/"+url.PathEscape(pattern)+"/_count", string(body))
	var r struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decoding count: %v", err)
	}
	return r.Count
}
