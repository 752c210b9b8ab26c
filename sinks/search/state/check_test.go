package state_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/state"
)

func TestCheckOnRealServers(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		srv, err := c.client.Detect(testCtx(t))
		if err != nil {
			t.Fatalf("Detect: %v", err)
		}
		cfg := state.NewDefaultConfig()
		cfg.StateIndex = freshIndex(t, c, "aspaudit-state-test-")
		problems, err := state.Check(testCtx(t), c.client, srv, cfg)
		if err != nil || len(problems) != 0 {
			t.Fatalf("Check: %q, %v; want no problem on an open test server", problems, err)
		}
	})
}

func TestCheckReportsMissingPrivileges(t *testing.T) {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/_security/user/_has_privileges":
			_, _ = w.Write([]byte(`{"has_all_requested":false,"index":{"st":{"read":true,"index":false,"create_index":true},"dl":{"index":true,"create_index":false}}}`))
		default:
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":{"type":"security_exception","reason":"action [indices:data/read/get] is unauthorized"},"status":403}`))
		}
	}))
	defer fake.Close()
	cfg := conn.NewDefaultConfig()
	cfg.URLs = []string{fake.URL}
	client, err := conn.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := conn.Server{Flavor: conn.Elasticsearch, Version: "8.19.0", Major: 8, Minor: 19}
	problems, err := state.Check(t.Context(), client, srv, state.Config{StateIndex: "st", DeadLetterIndex: "dl"})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	text := strings.Join(problems, "\n")
	for _, want := range []string{"st:index", "dl:create_index", "cannot read the state index st"} {
		if !strings.Contains(text, want) {
			t.Errorf("problems %q do not mention %s", problems, want)
		}
	}
}
