package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPIVersionsByLogType: atlas.api_versions.<log type> loads from the
// file and the environment beside the older keys, and a misspelt log type
// in it is named.
func TestAPIVersionsByLogType(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte("atlas:\n  api_version: \"2024-01-01\"\n  api_versions:\n    operational: \"2025-06-01\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(Sources{File: p, Environ: []string{"ASPAUDIT_ATLAS__API_VERSIONS__AUDIT=2024-02-02"}})
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	if cfg.Atlas.APIVersion != "2024-01-01" || cfg.Atlas.APIVersions["operational"] != "2025-06-01" || cfg.Atlas.APIVersions["audit"] != "2024-02-02" {
		t.Fatalf("atlas versions %q %v", cfg.Atlas.APIVersion, cfg.Atlas.APIVersions)
	}
	if err := os.WriteFile(p, []byte("atlas:\n  api_versions:\n    opertional: \"2025-06-01\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(Sources{File: p})
	if err == nil || !strings.Contains(err.Error(), `atlas.api_versions.opertional: unknown log type "opertional"`) {
		t.Fatalf("a misspelt log type: %v", err)
	}
}
