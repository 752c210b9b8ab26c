package templates

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// sampleValue returns a value of the right type for one field.
func sampleValue(f field, srv conn.Server) any {
	switch f.kind {
	case keyword:
		return "v-" + f.path
	case text:
		return "a few words about " + f.path
	case ip:
		if f.path == "related.ip" {
			return []string{"10.1.2.3", "2001:db8::7"}
		}
		return "10.1.2.3"
	case date:
		return "2026-11-05T10:00:00.123456789Z"
	case long:
		return 27017
	case boolean:
		return true
	case flat:
		v := map[string]any{"db": "admin", "dotted.key": map[string]any{"deep": []any{1, "two", true, nil}}, "n": 5}
		if srv.Flavor == conn.Elasticsearch {
			// One leaf beyond Lucene's term limit: kept, not indexed.
			v["huge"] = strings.Repeat("x", 40000)
		}
		return v
	case original:
		return strings.Repeat(`{"atype":"authenticate"} `, 2000)
	}
	return nil
}

// everyFieldDoc returns a document holding every mapped field, plus one
// field the mapping does not know.
func everyFieldDoc(srv conn.Server) map[string]any {
	doc := map[string]any{}
	for _, f := range fields {
		setPath(doc, strings.Split(f.path, "."), sampleValue(f, srv))
	}
	doc["unknown_field"] = map[string]any{"kept": "in _source"}
	return doc
}

func setPath(m map[string]any, path []string, v any) {
	if len(path) == 1 {
		m[path[0]] = v
		return
	}
	sub, _ := m[path[0]].(map[string]any)
	if sub == nil {
		sub = map[string]any{}
		m[path[0]] = sub
	}
	setPath(sub, path[1:], v)
}

// wantType returns the field_caps type a field must have.
func wantType(f field, srv conn.Server, indexOriginal bool) string {
	switch f.kind {
	case flat:
		if srv.Flavor == conn.OpenSearch {
			return "flat_object"
		}
		return "flattened"
	case original:
		if indexOriginal {
			return "text"
		}
		return "keyword"
	}
	return map[kind]string{keyword: "keyword", text: "text", ip: "ip", date: "date", long: "long", boolean: "boolean"}[f.kind]
}

// fieldCaps returns each field's types and whether it is searchable.
func fieldCaps(t *testing.T, c cluster, index string) map[string]map[string]struct {
	Searchable bool `json:"searchable"`
} {
	t.Helper()
	b := searchtest.MustDo(t, http.MethodGet, c.url, "/"+index+"/_field_caps?fields=*", "")
	var got struct {
		Fields map[string]map[string]struct {
			Searchable bool `json:"searchable"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("decoding _field_caps: %v", err)
	}
	return got.Fields
}

// TestEveryFieldHasItsType indexes a document with every field into an
// index made from the template and checks each field's type with
// _field_caps, then runs the searches users run.
func TestEveryFieldHasItsType(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		for _, indexOriginal := range []bool{false, true} {
			t.Run(fmt.Sprintf("index_original=%v", indexOriginal), func(t *testing.T) {
				l := newLayout(t, c)
				cfg := NewDefaultConfig()
				cfg.IndexOriginal = indexOriginal
				if _, err := Install(testCtx(t), c.client, c.server, l, cfg); err != nil {
					t.Fatalf("Install: %v", err)
				}
				index := l.Prefix + "-2026.11"
				doc, _ := json.Marshal(everyFieldDoc(c.server))
				searchtest.MustDo(t, http.MethodPut, c.url, "/"+index+"/_create/every-field?refresh=true", string(doc))

				caps := fieldCaps(t, c, index)
				for _, f := range fields {
					want := wantType(f, c.server, indexOriginal)
					if _, ok := caps[f.path][want]; !ok || len(caps[f.path]) != 1 {
						t.Errorf("field %s: types %v, want %s", f.path, keys(caps[f.path]), want)
					}
				}
				if caps["event.original"]["keyword"].Searchable || (indexOriginal && !caps["event.original"]["text"].Searchable) {
					t.Errorf("event.original searchable = %v with index_original %v", caps["event.original"], indexOriginal)
				}
				if _, ok := caps["unknown_field.kept"]; ok {
					t.Errorf("an unknown field was mapped: the mapping must not be dynamic")
				}
				expectHits(t, c, index, `{"query":{"term":{"source.ip":"10.1.0.0/16"}}}`, 1)
				expectHits(t, c, index, `{"query":{"term":{"related.ip":"2001:db8::/32"}}}`, 1)
				expectHits(t, c, index, `{"query":{"term":{"mongodb.audit.param.db":"admin"}}}`, 1)
				expectHits(t, c, index, `{"query":{"range":{"@timestamp":{"gte":"2026-11-05T10:00:00Z","lt":"2026-11-05T10:00:01Z"}}}}`, 1)
				expectHits(t, c, index, `{"query":{"match":{"event.original":"authenticate"}}}`, map[bool]int{true: 1, false: 0}[indexOriginal])
			})
		}
	})
}

func expectHits(t *testing.T, c cluster, index, query string, want int) {
	t.Helper()
	st, b := searchtest.Do(t, http.MethodPost, c.url, "/"+index+"/_search", query)
	if st != http.StatusOK {
		if want == 0 && st == http.StatusBadRequest {
			return // a query on a field that is not indexed may be refused outright
		}
		t.Errorf("search %s: status %d: %s", query, st, b)
		return
	}
	var res struct {
		Hits struct {
			Total struct {
				Value int `json:"value"`
			} `json:"total"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &res); err != nil || res.Hits.Total.Value != want {
		t.Errorf("search %s: %d hits (%v), want %d", query, res.Hits.Total.Value, err, want)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
