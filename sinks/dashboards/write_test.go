package dashboards

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteExportAdaptsTheDataView(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "objects.ndjson")
			if err := WriteExport(f, "acme-audit-*", path); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
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
			if err := WriteExport(f, DefaultIndexPattern, path); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, f.SavedObjects()) {
				t.Fatal("the default pattern does not write the export as shipped")
			}
		})
	}
}
