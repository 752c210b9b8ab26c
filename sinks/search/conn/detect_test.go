package conn_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

func newClient(t *testing.T, url string) *conn.Client {
	t.Helper()
	cfg := conn.NewDefaultConfig()
	cfg.URLs = []string{url}
	c, err := conn.New(cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func TestDetectRealServers(t *testing.T) {
	for which, want := range map[string]conn.Flavor{"ES": conn.Elasticsearch, "OS": conn.OpenSearch} {
		t.Run(which, func(t *testing.T) {
			c := newClient(t, searchtest.Require(t, which))
			s, err := c.Detect(context.Background())
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if s.Flavor != want || s.Major < 1 {
				t.Fatalf("Detect = %+v, want flavour %s", s, want)
			}
			if got, ok := c.Server(); !ok || got != s {
				t.Fatalf("Server() = %+v, %v; want the detected %+v", got, ok, s)
			}
		})
	}
}

// fakeRoot serves GET / the way a product does.
func fakeRoot(t *testing.T, header map[string]string, status int, body any) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestDetectFlavours(t *testing.T) {
	root := func(dist, number, tagline string) map[string]any {
		return map[string]any{"version": map[string]string{"distribution": dist, "number": number}, "tagline": tagline}
	}
	cases := []struct {
		name   string
		header map[string]string
		body   any
		want   conn.Server
	}{
		{"elasticsearch", map[string]string{"X-Elastic-Product": "Elasticsearch"}, root("", "8.19.2", "You Know, for Search"),
			conn.Server{Flavor: conn.Elasticsearch, Version: "8.19.2", Major: 8, Minor: 19}},
		{"opensearch", nil, root("opensearch", "2.19.1", "The OpenSearch Project: https://opensearch.org/"),
			conn.Server{Flavor: conn.OpenSearch, Version: "2.19.1", Major: 2, Minor: 19}},
		{"opensearch compatibility mode", nil, root("", "7.10.2", "The OpenSearch Project: https://opensearch.org/"),
			conn.Server{Flavor: conn.OpenSearch, Version: "7.10.2", Major: 7, Minor: 10}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := newClient(t, fakeRoot(t, tc.header, 200, tc.body)).Detect(context.Background())
			if err != nil || got != tc.want {
				t.Fatalf("Detect = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestDetectRefusesOtherServers(t *testing.T) {
	u := fakeRoot(t, nil, 200, map[string]any{"version": map[string]string{"number": "7.10.0"}})
	if _, err := newClient(t, u).Detect(context.Background()); err == nil {
		t.Fatal("Detect accepted a server that is neither product")
	}
}

func TestDetectClassifiesErrors(t *testing.T) {
	u := fakeRoot(t, nil, 401, map[string]any{"error": map[string]string{"type": "security_exception", "reason": "missing authentication"}, "status": 401})
	_, err := newClient(t, u).Detect(context.Background())
	if err == nil || !pipeline.IsPermanent(err) {
		t.Fatalf("Detect on 401 = %v, want a permanent error", err)
	}
	u = fakeRoot(t, nil, 503, map[string]any{"error": "unavailable"})
	_, err = newClient(t, u).Detect(context.Background())
	if err == nil || pipeline.IsPermanent(err) {
		t.Fatalf("Detect on 503 = %v, want a retryable error", err)
	}
}
