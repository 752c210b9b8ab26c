package dashboards

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// writeExport is WriteExport of the export made by objects for pattern.
func writeExport(t *testing.T, f Flavor, objects func(string) ([]byte, error), pattern, path string) []byte {
	t.Helper()
	export, err := objects(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteExport(f, export, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWriteExportAdaptsTheDataView(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "objects.ndjson")
			b := writeExport(t, f, f.SavedObjectsFor, "acme-audit-*", path)
			x, err := ParseExport(b)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.Check(f); err != nil {
				t.Fatalf("the written export does not pass the import checks: %v", err)
			}
			if !bytes.Contains(b, []byte(`"title":"acme-audit-*"`)) || bytes.Contains(b, []byte(DefaultIndexPattern)) {
				t.Fatalf("the data view does not match acme-audit-* only")
			}
			if b := writeExport(t, f, f.SavedObjectsFor, DefaultIndexPattern, path); !bytes.Equal(b, f.SavedObjects()) {
				t.Fatal("the default pattern does not write the export as shipped")
			}
		})
	}
}

func TestWriteOperationalExport(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.String(), func(t *testing.T) {
			path := OperationalExportPath(filepath.Join(t.TempDir(), "objects.ndjson"))
			if filepath.Base(path) != "objects-operational.ndjson" {
				t.Fatalf("operational export path %s", path)
			}
			b := writeExport(t, f, f.OperationalSavedObjectsFor, "acme-ops-*", path)
			x, err := ParseExport(b)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.Check(f); err != nil {
				t.Fatalf("the written operational export does not pass the import checks: %v", err)
			}
			if !bytes.Contains(b, []byte(`"title":"acme-ops-*"`)) {
				t.Fatalf("the operational data view does not match acme-ops-*")
			}
		})
	}
}
