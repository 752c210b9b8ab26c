package templates

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

func TestInstallILM(t *testing.T) {
	f, c, srv := newFake(t, conn.Elasticsearch)
	ctx := context.Background()
	l := Layout{Prefix: "audit"}
	cfg := NewDefaultConfig()
	cfg.Retention = Age(400 * Day)
	r, err := Install(ctx, c, srv, l, cfg)
	if err != nil {
		t.Fatalf("Install: %v", err)
	}
	if r.Lifecycle != ILM || r.Policy != "audit-retention" || r.PolicyAction != Created {
		t.Fatalf("report %+v", r)
	}
	p := f.policy("audit-retention")
	if got := p["phases"].(map[string]any)["delete"].(map[string]any)["min_age"]; got != "400d" {
		t.Errorf("delete min_age %v, want 400d", got)
	}
	if r, err = Install(ctx, c, srv, l, cfg); err != nil || r.PolicyAction != Unchanged {
		t.Errorf("second Install: %s, %v", r.PolicyAction, err)
	}
	// Turning retention off neutralises the policy instead of leaving a
	// delete phase attached to indices.
	cfg.Retention = 0
	if r, err = Install(ctx, c, srv, l, cfg); err != nil || r.PolicyAction != Updated {
		t.Fatalf("Install with retention off: %s, %v", r.PolicyAction, err)
	}
	if _, ok := f.policy("audit-retention")["phases"].(map[string]any)["delete"]; ok {
		t.Error("retention off left a delete phase")
	}
}

func TestInstallRetentionOffWithoutPolicy(t *testing.T) {
	f, c, srv := newFake(t, conn.Elasticsearch)
	r, err := Install(context.Background(), c, srv, Layout{Prefix: "audit"}, NewDefaultConfig())
	if err != nil || r.Policy != "" || r.PolicyAction != Skipped {
		t.Fatalf("report %+v, %v; want no policy", r, err)
	}
	if f.called("PUT /_ilm") != 0 {
		t.Error("a policy was written with retention off")
	}
}

func TestInstallISM(t *testing.T) {
	f, c, srv := newFake(t, conn.OpenSearch)
	ctx := context.Background()
	l := Layout{Prefix: "audit", Granularity: "month"}
	cfg := NewDefaultConfig()
	cfg.Retention = Age(400 * Day)
	r, err := Install(ctx, c, srv, l, cfg)
	if err != nil || r.Lifecycle != ISM || r.PolicyAction != Created {
		t.Fatalf("Install: %+v, %v", r, err)
	}
	p := f.policy("audit-retention")
	states := p["states"].([]any)
	cond := states[0].(map[string]any)["transitions"].([]any)[0].(map[string]any)["conditions"].(map[string]any)
	if cond["min_index_age"] != "431d" {
		t.Errorf("min_index_age %v, want 431d (400d + a month, counted from creation)", cond["min_index_age"])
	}
	if tpl := p["ism_template"].([]any)[0].(map[string]any); tpl["index_patterns"].([]any)[0] != "audit-*" {
		t.Errorf("ism_template %v", tpl)
	}
	if !strings.Contains(strings.Join(r.Lines(), "\n"), "only a backstop") {
		t.Errorf("report does not say ISM is only a backstop: %q", r.Lines())
	}
	if f.called("POST /_plugins/_ism/add/audit-*") != 1 {
		t.Error("the policy was not attached to existing indices")
	}
	if r, err = Install(ctx, c, srv, l, cfg); err != nil || r.PolicyAction != Unchanged {
		t.Fatalf("second Install: %s, %v", r.PolicyAction, err)
	}
	cfg.Retention = Age(30 * Day)
	if r, err = Install(ctx, c, srv, l, cfg); err != nil || r.PolicyAction != Updated {
		t.Fatalf("Install with another retention: %s, %v (the update needs if_seq_no)", r.PolicyAction, err)
	}
	if f.called("POST /_plugins/_ism/change_policy/audit-*") != 1 {
		t.Error("indices were not moved to the updated policy")
	}
}

func TestApplyRetentionStampsILM(t *testing.T) {
	f, c, srv := newFake(t, conn.Elasticsearch)
	f.indices = map[string]map[string]string{
		"audit-2026.10": {},
		"audit-2026.11": {"index.lifecycle.name": "audit-retention"},
		"audit-2026.12": {"index.lifecycle.name": "users-own-policy"},
		"audit-2024.01": {},
		"audit-notes":   {},
	}
	cfg := NewDefaultConfig()
	cfg.Retention = Age(400 * Day)
	now := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	rep, err := ApplyRetention(context.Background(), c, srv, Layout{Prefix: "audit"}, cfg, now)
	if err != nil {
		t.Fatalf("ApplyRetention: %v", err)
	}
	if !slices.Equal(rep.Deleted, []string{"audit-2024.01"}) || !slices.Equal(rep.Stamped, []string{"audit-2026.10", "audit-2026.11"}) {
		t.Fatalf("report %+v", rep)
	}
	want := strconv.FormatInt(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), 10)
	if s := f.indices["audit-2026.10"]; s["index.lifecycle.name"] != "audit-retention" || s["index.lifecycle.origination_date"] != want {
		t.Errorf("audit-2026.10 settings %v; want the policy and origination %s (end of October)", s, want)
	}
	if s := f.indices["audit-2026.12"]; s["index.lifecycle.name"] != "users-own-policy" || s["index.lifecycle.origination_date"] != "" {
		t.Errorf("an index with the user's own policy was changed: %v", s)
	}
}

func TestCheckReportsMissingPrivileges(t *testing.T) {
	f, c, srv := newFake(t, conn.Elasticsearch)
	ctx := context.Background()
	l := Layout{Prefix: "audit"}
	cfg := NewDefaultConfig()
	if _, err := Install(ctx, c, srv, l, cfg); err != nil {
		t.Fatalf("Install: %v", err)
	}
	res, err := Check(ctx, c, srv, l, cfg)
	if err != nil || len(res.Problems) != 0 || !strings.Contains(strings.Join(res.Notes, "\n"), "security feature is off") {
		t.Fatalf("Check with security off: %+v, %v", res, err)
	}
	f.privileges = map[string]any{
		"has_all_requested": false,
		"cluster":           map[string]bool{"monitor": true, "manage_index_templates": false},
		"index":             map[string]map[string]bool{"audit-*": {"create_doc": true, "create_index": false, "view_index_metadata": true}},
	}
	res, err = Check(ctx, c, srv, l, cfg)
	if err != nil || len(res.Problems) != 1 {
		t.Fatalf("Check: %+v, %v", res, err)
	}
	for _, want := range []string{"cluster:manage_index_templates", "audit-*:create_index"} {
		if !strings.Contains(res.Problems[0], want) {
			t.Errorf("problem %q does not name %s", res.Problems[0], want)
		}
	}
}

func TestEnsureInstalledRefused(t *testing.T) {
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"error":{"type":"security_exception","reason":"action [indices:admin/index_template/get] is unauthorized"},"status":403}`))
	}))
	defer refuse.Close()
	cfg := conn.NewDefaultConfig()
	cfg.URLs = []string{refuse.URL}
	c, err := conn.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := conn.Server{Flavor: conn.Elasticsearch, Version: "8.19.0", Major: 8, Minor: 19}
	_, did, err := EnsureInstalled(context.Background(), c, srv, Layout{Prefix: "audit"}, NewDefaultConfig())
	if did || err == nil || !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), "install: false") {
		t.Fatalf("EnsureInstalled refused: %v, %v; want a permanent error suggesting install: false", did, err)
	}
}
