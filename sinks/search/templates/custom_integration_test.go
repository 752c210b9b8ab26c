package templates

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// TestCustomComponentSurvivesSetup: setup creates <prefix>@custom empty;
// what the user puts there survives a second setup (even one that updates
// aspaudit's template) and reaches new indices beside aspaudit's mapping.
func TestCustomComponentSurvivesSetup(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		ctx := testCtx(t)
		l := newLayout(t, c)
		cfg := NewDefaultConfig()
		r, err := Install(ctx, c.client, c.server, l, cfg)
		if err != nil || r.CustomAction != Created {
			t.Fatalf("first Install: custom %s, %v; want created", r.CustomAction, err)
		}
		custom := `{"template":{"settings":{"index.refresh_interval":"7s"},"mappings":{"properties":{"labels":{"properties":{"team":{"type":"keyword"}}}}}}}`
		searchtest.MustDo(t, http.MethodPut, c.url, "/_component_template/"+l.CustomName(), custom)

		cfg.Shards = 2 // aspaudit's template changes; the user's must not
		r, err = Install(ctx, c.client, c.server, l, cfg)
		if err != nil || r.CustomAction != Unchanged || r.TemplateAction != Updated {
			t.Fatalf("second Install: custom %s, template %s, %v; want unchanged, updated", r.CustomAction, r.TemplateAction, err)
		}
		index := l.Prefix + "-2026.11"
		searchtest.MustDo(t, http.MethodPut, c.url, "/"+index, "")
		if got := fieldType(t, c, index, "labels.team"); got != "keyword" {
			t.Errorf("labels.team from @custom mapped as %q, want keyword", got)
		}
		if got := fieldType(t, c, index, "event.action"); got != "keyword" {
			t.Errorf("event.action mapped as %q, want keyword", got)
		}
		s := settingsOf(t, c, index)
		if s["index.refresh_interval"] != "7s" || s["index.number_of_shards"] != "2" {
			t.Errorf("settings %v: want @custom's refresh_interval and aspaudit's shards", s)
		}
	})
}

// fieldType returns the mapped type of a dotted field of index.
func fieldType(t *testing.T, c cluster, index, field string) string {
	t.Helper()
	b := searchtest.MustDo(t, http.MethodGet, c.url, "/"+index+"/_mapping/field/"+field, "")
	var got map[string]struct {
		Mappings map[string]struct {
			Mapping map[string]struct {
				Type string `json:"type"`
			} `json:"mapping"`
		} `json:"mappings"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("decoding a field mapping: %v: %s", err, b)
	}
	for _, m := range got[index].Mappings[field].Mapping {
		return m.Type
	}
	return ""
}

// settingsOf returns the flat settings of an index.
func settingsOf(t *testing.T, c cluster, index string) map[string]string {
	t.Helper()
	b := searchtest.MustDo(t, http.MethodGet, c.url, "/"+index+"/_settings?flat_settings=true", "")
	var got map[string]struct {
		Settings map[string]string `json:"settings"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("decoding settings: %v", err)
	}
	return got[index].Settings
}
