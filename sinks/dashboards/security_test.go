package dashboards

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeSettings behaves like Kibana's advanced settings API
// (GET/POST [/s/<space>]/api/kibana/settings): per space, GET lists only
// the settings a user changed, as {"settings": {key: {"userValue": v}}};
// POST {"changes": {key: v}} needs kbn-xsrf, sets v (null removes it) and
// answers like GET.
type fakeSettings struct {
	mu     sync.Mutex
	spaces map[string]map[string]json.RawMessage
	posts  int
}

func (f *fakeSettings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	space := "default"
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/s/"); ok {
		space, path, _ = strings.Cut(rest, "/")
		path = "/" + path
	}
	if path != "/api/kibana/settings" {
		http.Error(w, `{"statusCode":404}`, http.StatusNotFound)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.spaces[space] == nil {
		f.spaces[space] = map[string]json.RawMessage{}
	}
	s := f.spaces[space]
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		if r.Header.Get("kbn-xsrf") == "" {
			http.Error(w, `{"statusCode":400,"message":"Request must contain a kbn-xsrf header."}`, http.StatusBadRequest)
			return
		}
		var body struct {
			Changes map[string]json.RawMessage `json:"changes"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil || body.Changes == nil {
			http.Error(w, `{"statusCode":400,"message":"[request body.changes]: expected value of type [object]"}`, http.StatusBadRequest)
			return
		}
		f.posts++
		for k, v := range body.Changes {
			if string(v) == "null" {
				delete(s, k)
			} else {
				s[k] = v
			}
		}
	default:
		http.Error(w, `{"statusCode":404}`, http.StatusNotFound)
		return
	}
	out := map[string]any{}
	for k, v := range s {
		out[k] = map[string]json.RawMessage{"userValue": v}
	}
	out["buildNum"] = map[string]int{"userValue": 80000}
	_ = json.NewEncoder(w).Encode(map[string]any{"settings": out})
}

func (f *fakeSettings) list(t *testing.T, space string) []string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var l []string
	if v, ok := f.spaces[space][SecurityIndexSetting]; ok {
		if err := json.Unmarshal(v, &l); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func TestAddSecurityIndicesOnlyAdds(t *testing.T) {
	fake := &fakeSettings{spaces: map[string]map[string]json.RawMessage{
		"soc": {SecurityIndexSetting: json.RawMessage(`["logs-*","my-siem-*"]`)},
	}}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	// A space whose setting was changed before: its patterns stay.
	cfg := testConfig(srv.URL)
	cfg.Space = "soc"
	im := mustImporter(t, cfg, Kibana)
	added, err := im.AddSecurityIndices(t.Context(), "acme-audit-*")
	if err != nil || !added {
		t.Fatalf("AddSecurityIndices: %v, %v", added, err)
	}
	if got := fake.list(t, "soc"); !slices.Equal(got, []string{"logs-*", "my-siem-*", "acme-audit-*"}) {
		t.Fatalf("soc space lists %v", got)
	}
	if added, err = im.AddSecurityIndices(t.Context(), "acme-audit-*"); err != nil || added {
		t.Fatalf("adding again: %v, %v; want nothing to do", added, err)
	}
	if fake.posts != 1 {
		t.Fatalf("%d changes posted, want 1", fake.posts)
	}

	// A space that kept Kibana's defaults: they stay, ours is added.
	im = mustImporter(t, testConfig(srv.URL), Kibana)
	if _, err := im.AddSecurityIndices(t.Context(), "atlas-streams-audit-*"); err != nil {
		t.Fatal(err)
	}
	got := fake.list(t, "default")
	if want := append(slices.Clone(defaultSecurityIndices), "atlas-streams-audit-*"); !slices.Equal(got, want) {
		t.Fatalf("default space lists %v, want %v", got, want)
	}
}

func TestSecuritySolutionIsKibanaOnly(t *testing.T) {
	c := NewDefaultOSDConfig()
	c.SecuritySolution = true
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "security_solution") {
		t.Fatalf("Validate: %v", err)
	}
}
