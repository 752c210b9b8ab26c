package dashboards

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultIndexPattern is the data view of the exports as shipped, for the
// default index prefix.
const DefaultIndexPattern = "atlas-streams-audit-*"

// SavedObjectsFor returns the product's export with its data view matching
// pattern (the indices of the configured prefix, "<prefix>-*").
func (f Flavor) SavedObjectsFor(pattern string) ([]byte, error) {
	if pattern == DefaultIndexPattern {
		return f.SavedObjects(), nil
	}
	out, err := WithIndexPattern(f.SavedObjects(), pattern)
	if err != nil {
		return nil, fmt.Errorf("adapting the %s objects to %s: %w", f, pattern, err)
	}
	return out, nil
}

// OperationalExportPath is where WriteExport's caller puts the operational
// log's objects beside the audit log's export at path: "-operational"
// before the extension (saved-objects.ndjson → saved-objects-operational.ndjson).
func OperationalExportPath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-operational" + ext
}

// WriteExport writes an export (SavedObjectsFor, OperationalSavedObjectsFor)
// to path, so that users without the source tree can import it by hand.
// The file is written whole or not at all (a temp file renamed), mode 0644.
func WriteExport(f Flavor, export []byte, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing the %s saved objects to %s: %w", f, path, err)
	}
	defer os.Remove(tmp.Name()) // fails once renamed
	_, err = tmp.Write(export)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing the %s saved objects to %s: %w", f, path, err)
	}
	return nil
}
