package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/dashboards"
)

// TestSetupExportsBothLogTypes: with the operational log fetched,
// setup --export writes the operational log's saved objects beside the
// audit log's, each a valid Kibana export whose data view matches its own
// indices, and says where both are.
func TestSetupExportsBothLogTypes(t *testing.T) {
	t.Parallel()
	binary(t)
	tg := fileTarget(t)
	e := env{}.with(envPairs(tg.env)...).with("ASPAUDIT_ATLAS__LOG_TYPES", "audit,operational")
	file := filepath.Join(t.TempDir(), "objects.ndjson")
	r := aspaudit(t, e, "setup", "--export", file)
	mustExit(t, r, exitOK, "setup --export with both log types")
	for path, pattern := range map[string]string{
		file:                                   "atlas-streams-audit-*",
		dashboards.OperationalExportPath(file): "atlas-streams-ops-*",
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("setup --export did not write %s: %v", path, err)
		}
		x, err := dashboards.ParseExport(b)
		if err == nil {
			err = x.Check(dashboards.Kibana)
		}
		if err != nil {
			t.Fatalf("%s is not a valid Kibana export: %v", path, err)
		}
		if !strings.Contains(string(b), `"title":"`+pattern+`"`) {
			t.Errorf("the data view of %s does not match %s", path, pattern)
		}
		if !strings.Contains(r.stderr, path) {
			t.Errorf("setup does not name %s:\n%s", path, r.stderr)
		}
	}
}
