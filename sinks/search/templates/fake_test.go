package templates

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// fakeCluster serves the lifecycle APIs the test servers lack (ILM, ISM,
// _has_privileges), as their documentation describes them, and records
// what it is asked.
type fakeCluster struct {
	t      *testing.T
	flavor conn.Flavor
	mu     sync.Mutex
	// templates and policies hold bodies by name; policy versions count
	// ISM's _seq_no.
	templates  map[string]json.RawMessage
	components map[string]json.RawMessage
	policies   map[string]json.RawMessage
	seqNo      map[string]int
	// indices maps names to their flat settings.
	indices map[string]map[string]string
	// privileges answers _has_privileges; nil means security is off.
	privileges map[string]any
	calls      []string
}

func newFake(t *testing.T, flavor conn.Flavor) (*fakeCluster, *conn.Client, conn.Server) {
	f := &fakeCluster{t: t, flavor: flavor, templates: map[string]json.RawMessage{}, components: map[string]json.RawMessage{}, policies: map[string]json.RawMessage{},
		seqNo: map[string]int{}, indices: map[string]map[string]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := conn.NewDefaultConfig()
	cfg.URLs = []string{srv.URL}
	c, err := conn.New(cfg, nil)
	if err != nil {
		t.Fatalf("conn.New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	version := map[conn.Flavor]conn.Server{
		conn.Elasticsearch: {Flavor: conn.Elasticsearch, Version: "8.19.0", Major: 8, Minor: 19},
		conn.OpenSearch:    {Flavor: conn.OpenSearch, Version: "2.19.0", Major: 2, Minor: 19},
	}[flavor]
	return f, c, version
}

func (f *fakeCluster) called(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func (f *fakeCluster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	if f.flavor == conn.Elasticsearch {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
	}
	status, answer := f.route(r, body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, answer)
}

func notFound(what string) (int, string) {
	return http.StatusNotFound, fmt.Sprintf(`{"error":{"type":"resource_not_found_exception","reason":"%s not found"},"status":404}`, what)
}

func noHandler(r *http.Request) (int, string) {
	return http.StatusBadRequest, fmt.Sprintf(`{"error":"no handler found for uri [%s] and method [%s]"}`, r.URL.Path, r.Method)
}

func (f *fakeCluster) route(r *http.Request, body []byte) (int, string) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/_index_template/"):
		return f.serveTemplate(r, strings.TrimPrefix(p, "/_index_template/"), body)
	case strings.HasPrefix(p, "/_component_template/"):
		return f.serveComponent(r, strings.TrimPrefix(p, "/_component_template/"), body)
	case p == "/_ilm/status" && f.flavor == conn.Elasticsearch:
		return http.StatusOK, `{"operation_mode":"RUNNING"}`
	case strings.HasPrefix(p, "/_ilm/policy/") && f.flavor == conn.Elasticsearch:
		return f.serveILM(r, strings.TrimPrefix(p, "/_ilm/policy/"), body)
	case p == "/_plugins/_ism/policies" && f.flavor == conn.OpenSearch:
		return http.StatusOK, `{"policies":[],"total_policies":0}`
	case strings.HasPrefix(p, "/_plugins/_ism/policies/") && f.flavor == conn.OpenSearch:
		return f.serveISM(r, strings.TrimPrefix(p, "/_plugins/_ism/policies/"), body)
	case strings.HasPrefix(p, "/_plugins/_ism/add/"), strings.HasPrefix(p, "/_plugins/_ism/change_policy/"):
		return http.StatusOK, `{"updated_indices":0,"failures":false,"failed_indices":[]}`
	case p == "/_security/user/_has_privileges":
		if f.privileges == nil {
			return noHandler(r)
		}
		b, _ := json.Marshal(f.privileges)
		return http.StatusOK, string(b)
	case strings.HasSuffix(p, "/_settings") && r.Method == http.MethodPut:
		return f.putSettings(strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/_settings"), body)
	case strings.Contains(p, "/_settings/") && r.Method == http.MethodGet:
		return f.listSettings()
	case r.Method == http.MethodDelete:
		for _, n := range strings.Split(strings.TrimPrefix(p, "/"), ",") {
			delete(f.indices, n)
		}
		return http.StatusOK, `{"acknowledged":true}`
	}
	return noHandler(r)
}

// serveComponent answers component template GET and PUT (with create=true
// refusing to replace one, as both products do).
func (f *fakeCluster) serveComponent(r *http.Request, name string, body []byte) (int, string) {
	switch r.Method {
	case http.MethodPut:
		if _, ok := f.components[name]; ok && r.URL.Query().Get("create") == "true" {
			return http.StatusBadRequest, fmt.Sprintf(`{"error":{"type":"illegal_argument_exception","reason":"component template [%s] already exists"},"status":400}`, name)
		}
		f.components[name] = body
		return http.StatusOK, `{"acknowledged":true}`
	case http.MethodGet:
		c, ok := f.components[name]
		if !ok {
			return notFound("component template " + name)
		}
		return http.StatusOK, fmt.Sprintf(`{"component_templates":[{"name":%q,"component_template":%s}]}`, name, c)
	}
	return noHandler(r)
}

func (f *fakeCluster) serveTemplate(r *http.Request, name string, body []byte) (int, string) {
	switch r.Method {
	case http.MethodPut:
		f.templates[name] = body
		return http.StatusOK, `{"acknowledged":true}`
	case http.MethodGet:
		t, ok := f.templates[name]
		if !ok {
			return notFound("index template " + name)
		}
		return http.StatusOK, fmt.Sprintf(`{"index_templates":[{"name":%q,"index_template":%s}]}`, name, t)
	}
	return noHandler(r)
}

func (f *fakeCluster) serveILM(r *http.Request, name string, body []byte) (int, string) {
	switch r.Method {
	case http.MethodPut:
		var b struct {
			Policy json.RawMessage `json:"policy"`
		}
		if json.Unmarshal(body, &b) != nil || b.Policy == nil {
			return http.StatusBadRequest, `{"error":{"type":"x_content_parse_exception","reason":"no policy"}}`
		}
		f.policies[name] = b.Policy
		return http.StatusOK, `{"acknowledged":true}`
	case http.MethodGet:
		p, ok := f.policies[name]
		if !ok {
			return notFound("policy " + name)
		}
		return http.StatusOK, fmt.Sprintf(`{%q:{"version":1,"policy":%s}}`, name, p)
	}
	return noHandler(r)
}

// serveISM follows ISM's optimistic concurrency: overwriting a policy
// needs its current if_seq_no and if_primary_term.
func (f *fakeCluster) serveISM(r *http.Request, name string, body []byte) (int, string) {
	_, exists := f.policies[name]
	switch r.Method {
	case http.MethodPut:
		q := r.URL.Query()
		if exists && (q.Get("if_seq_no") != fmt.Sprint(f.seqNo[name]) || q.Get("if_primary_term") != "1") {
			return http.StatusConflict, `{"error":{"type":"version_conflict_engine_exception","reason":"version conflict"},"status":409}`
		}
		var b struct {
			Policy json.RawMessage `json:"policy"`
		}
		_ = json.Unmarshal(body, &b)
		f.policies[name] = b.Policy
		f.seqNo[name]++
		return http.StatusOK, `{"_id":"` + name + `"}`
	case http.MethodGet:
		if !exists {
			return http.StatusNotFound, `{"error":{"type":"status_exception","reason":"Policy not found"},"status":404}`
		}
		return http.StatusOK, fmt.Sprintf(`{"_id":%q,"_seq_no":%d,"_primary_term":1,"policy":%s}`, name, f.seqNo[name], f.policies[name])
	}
	return noHandler(r)
}

func (f *fakeCluster) putSettings(index string, body []byte) (int, string) {
	s, ok := f.indices[index]
	if !ok {
		return notFound("index " + index)
	}
	var set map[string]string
	if err := json.Unmarshal(body, &set); err != nil {
		return http.StatusBadRequest, `{"error":{"type":"parse_exception","reason":"settings"}}`
	}
	for k, v := range set {
		s[k] = v
	}
	return http.StatusOK, `{"acknowledged":true}`
}

func (f *fakeCluster) listSettings() (int, string) {
	out := map[string]any{}
	for name, s := range f.indices {
		out[name] = map[string]any{"settings": s}
	}
	b, _ := json.Marshal(out)
	return http.StatusOK, string(b)
}

// policy returns a stored policy decoded.
func (f *fakeCluster) policy(name string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var p map[string]any
	if err := json.Unmarshal(f.policies[name], &p); err != nil {
		f.t.Fatalf("policy %s: %v", name, err)
	}
	return p
}
