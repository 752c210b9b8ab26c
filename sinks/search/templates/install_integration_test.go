package templates

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// newLayout returns a layout with a prefix unique to the test, and
// removes its template and indices when the test ends.
func newLayout(t *testing.T, c cluster) Layout {
	t.Helper()
	l := Layout{Prefix: searchtest.IndexName(t, "aspaudit-tpl-"), Granularity: "month"}
	searchtest.DeleteIndices(t, c.url, l.Pattern())
	// Cleanups run last first: the index template goes before the component it composes.
	t.Cleanup(func() { searchtest.Do(t, http.MethodDelete, c.url, "/_component_template/"+l.CustomName(), "") })
	t.Cleanup(func() { searchtest.Do(t, http.MethodDelete, c.url, "/_index_template/"+l.TemplateName(), "") })
	return l
}

func TestInstallIsIdempotent(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		ctx := testCtx(t)
		l := newLayout(t, c)
		cfg := NewDefaultConfig()
		cfg.Retention = Age(400 * Day)

		r, err := Install(ctx, c.client, c.server, l, cfg)
		if err != nil {
			t.Fatalf("Install: %v", err)
		}
		if r.TemplateAction != Created {
			t.Errorf("first Install: template %s, want created", r.TemplateAction)
		}
		// The integ-test distributions have neither ILM nor ISM: the report
		// must say so rather than fail.
		if r.Lifecycle != NoLifecycle || r.Policy != "" {
			t.Errorf("lifecycle %q, policy %q: the test servers have none", r.Lifecycle, r.Policy)
		}
		if text := strings.Join(r.Lines(), "\n"); !strings.Contains(text, "no index lifecycle feature") {
			t.Errorf("report does not say the lifecycle feature is missing:\n%s", text)
		}

		r, err = Install(ctx, c.client, c.server, l, cfg)
		if err != nil || r.TemplateAction != Unchanged {
			t.Fatalf("second Install: %s, %v; want unchanged", r.TemplateAction, err)
		}
		cfg.IndexOriginal = true
		r, err = Install(ctx, c.client, c.server, l, cfg)
		if err != nil || r.TemplateAction != Updated {
			t.Fatalf("Install with another config: %s, %v; want updated", r.TemplateAction, err)
		}
		wantFlat := map[conn.Flavor]string{conn.Elasticsearch: "flattened", conn.OpenSearch: "flat_object"}[c.server.Flavor]
		if r.FlatType != wantFlat {
			t.Errorf("flat type %q, want %q", r.FlatType, wantFlat)
		}
	})
}

func TestEnsureInstalledOnlyWhenMissing(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		ctx := testCtx(t)
		l := newLayout(t, c)
		cfg := NewDefaultConfig()
		cfg.Install = false
		if _, did, err := EnsureInstalled(ctx, c.client, c.server, l, cfg); err != nil || did {
			t.Fatalf("EnsureInstalled with install off: %v, %v", did, err)
		}
		if st, _ := searchtest.Do(t, http.MethodGet, c.url, "/_index_template/"+l.TemplateName(), ""); st != http.StatusNotFound {
			t.Fatalf("install off still installed a template (status %d)", st)
		}
		cfg.Install = true
		if _, did, err := EnsureInstalled(ctx, c.client, c.server, l, cfg); err != nil || !did {
			t.Fatalf("EnsureInstalled on a missing template: %v, %v", did, err)
		}
		cfg.Shards = 2 // differs, but Ensure leaves an existing template alone
		if _, did, err := EnsureInstalled(ctx, c.client, c.server, l, cfg); err != nil || did {
			t.Fatalf("EnsureInstalled on an existing template: %v, %v", did, err)
		}
	})
}

func TestCheck(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		ctx := testCtx(t)
		l := newLayout(t, c)
		cfg := NewDefaultConfig()
		res, err := Check(ctx, c.client, c.server, l, cfg)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		if len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "missing") {
			t.Fatalf("Check before setup: problems %q, want the missing template", res.Problems)
		}
		if _, err := Install(ctx, c.client, c.server, l, cfg); err != nil {
			t.Fatalf("Install: %v", err)
		}
		if res, err = Check(ctx, c.client, c.server, l, cfg); err != nil || len(res.Problems) != 0 {
			t.Fatalf("Check after setup: %q, %v; want no problem", res.Problems, err)
		}
		cfg.Replicas = "1"
		if res, err = Check(ctx, c.client, c.server, l, cfg); err != nil || len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "differs") {
			t.Fatalf("Check with a changed config: %q, %v; want the template to differ", res.Problems, err)
		}
	})
}
