package atlas

import (
	"context"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// TestAPIVersionsMapOverridesOlderKeys: api_versions.<log type> is the
// Accept version sent and the key the refusal names, over the older
// per-log key.
func TestAPIVersionsMapOverridesOlderKeys(t *testing.T) {
	srv := atlastest.NewServer(fakeConfig())
	defer srv.Close()
	srv.AddOperationalLines(testProject, "ws", nil)
	cfg := serviceAccount(srv.URL)
	cfg.OperationalAPIVersion = "2025-03-12"
	cfg.APIVersions = map[string]string{"operational": "2023-02-01"}
	c := newClient(t, cfg, Options{})
	w := window("ws", day0, day1)
	w.LogType = pipeline.OperationalLog
	_, err := c.Fetch(context.Background(), w)
	if !pipeline.IsPermanent(err) || !strings.Contains(err.Error(), "api_versions.operational 2023-02-01") {
		t.Fatalf("a refused version from api_versions: %v", err)
	}
	reqs := requestsTo(srv.Fake, "operationalLogs")
	if len(reqs) != 1 || reqs[0].Accept != "application/vnd.atlas.2023-02-01+gzip" {
		t.Fatalf("operational requests %+v", reqs)
	}
}

func TestVersionOf(t *testing.T) {
	cfg := NewDefaultConfig()
	if v, k := cfg.versionOf(pipeline.AuditLog); v != "2023-02-01" || k != "api_version" {
		t.Fatalf("audit default: %s from %s", v, k)
	}
	cfg.APIVersion = "2024-01-01"
	if v, k := cfg.versionOf(pipeline.AuditLog); v != "2024-01-01" || k != "api_version" {
		t.Fatalf("audit from api_version: %s from %s", v, k)
	}
	cfg.APIVersions["audit"] = "2024-06-01"
	if v, k := cfg.versionOf(pipeline.AuditLog); v != "2024-06-01" || k != "api_versions.audit" {
		t.Fatalf("audit from api_versions: %s from %s", v, k)
	}
	cfg.OperationalAPIVersion = ""
	if v, k := cfg.versionOf(pipeline.OperationalLog); v != "2025-03-12" || k != "api_versions.operational" {
		t.Fatalf("operational documented: %s from %s", v, k)
	}
}

func TestValidateAPIVersions(t *testing.T) {
	cfg := NewDefaultConfig()
	cfg.APIVersions = map[string]string{"operational": "v2", "cluster": "2023-02-01", "audit": "2023-02-01"}
	err := cfg.validateAPIVersions()
	for _, want := range []string{`api_versions.operational: "v2" is not a date like 2025-03-12`, `api_versions.cluster: unknown log type "cluster"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "api_versions.audit") {
		t.Errorf("a valid entry refused: %v", err)
	}
}
