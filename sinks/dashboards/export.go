package dashboards

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

// Object is one saved object of an export.
type Object struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Attributes json.RawMessage `json:"attributes"`
	References []Reference     `json:"references"`
	// CoreMigrationVersion and TypeMigrationVersion stamp Kibana 8 objects.
	CoreMigrationVersion string `json:"coreMigrationVersion,omitempty"`
	TypeMigrationVersion string `json:"typeMigrationVersion,omitempty"`
	// MigrationVersion stamps OpenSearch Dashboards (and Kibana 7) objects.
	MigrationVersion map[string]string `json:"migrationVersion,omitempty"`
}

// Reference links an object to another by type and id.
type Reference struct {
	Name string `json:"name"`
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Summary is the line an export ends with.
type Summary struct {
	ExportedCount   int `json:"exportedCount"`
	MissingRefCount int `json:"missingRefCount"`
}

// Export is a parsed saved objects export.
type Export struct {
	Objects []Object
	// Summary is nil when the export has no summary line.
	Summary *Summary
}

func (o Object) key() string { return o.Type + ":" + o.ID }

// ParseExport reads an NDJSON export: one object a line, blank lines
// ignored, and an optional summary line (the one with exportedCount), as
// the import APIs read it. Errors name the line.
func ParseExport(ndjson []byte) (Export, error) {
	var x Export
	sc := bufio.NewScanner(bytes.NewReader(ndjson))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var probe struct {
			ExportedCount *int `json:"exportedCount"`
		}
		if err := json.Unmarshal(line, &probe); err != nil {
			return x, fmt.Errorf("line %d: %w", n, err)
		}
		if probe.ExportedCount != nil {
			var s Summary
			if err := json.Unmarshal(line, &s); err != nil {
				return x, fmt.Errorf("line %d: summary: %w", n, err)
			}
			x.Summary = &s
			continue
		}
		var o Object
		dec := json.NewDecoder(bytes.NewReader(line))
		if err := dec.Decode(&o); err != nil {
			return x, fmt.Errorf("line %d: %w", n, err)
		}
		x.Objects = append(x.Objects, o)
	}
	if err := sc.Err(); err != nil {
		return x, fmt.Errorf("reading export: %w", err)
	}
	return x, nil
}

var version = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// Check reports every problem of the export for the product at once: a
// missing type, id or attributes; duplicate type+id pairs; references to
// objects not in the export; reference names used twice by one object;
// missing or malformed version stamps; a summary whose count is wrong.
func (x Export) Check(f Flavor) error {
	var errs []error
	seen := map[string]bool{}
	for _, o := range x.Objects {
		if seen[o.key()] {
			errs = append(errs, fmt.Errorf("%s %q: appears twice", o.Type, o.ID))
		}
		seen[o.key()] = true
	}
	for _, o := range x.Objects {
		errs = append(errs, o.check(f, seen)...)
	}
	if len(x.Objects) == 0 {
		errs = append(errs, errors.New("the export holds no object"))
	}
	if s := x.Summary; s != nil && (s.ExportedCount != len(x.Objects) || s.MissingRefCount != 0) {
		errs = append(errs, fmt.Errorf("summary: exportedCount %d, missingRefCount %d for %d objects",
			s.ExportedCount, s.MissingRefCount, len(x.Objects)))
	}
	return errors.Join(errs...)
}

func (o Object) check(f Flavor, exists map[string]bool) []error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s %q: %s", o.Type, o.ID, fmt.Sprintf(format, a...)))
	}
	if o.Type == "" || o.ID == "" {
		bad("type and id are required")
	}
	var attrs map[string]any
	if err := json.Unmarshal(o.Attributes, &attrs); err != nil || attrs == nil {
		bad("attributes must be an object")
	}
	names := map[string]bool{}
	for _, r := range o.References {
		if names[r.Name] {
			bad("reference name %q used twice", r.Name)
		}
		names[r.Name] = true
		if !exists[r.Type+":"+r.ID] {
			bad("reference %q points to %s %q, which is not in the export", r.Name, r.Type, r.ID)
		}
	}
	for _, msg := range o.versionProblems(f) {
		bad("%s", msg)
	}
	return errs
}

// versionProblems checks the stamps each product's import relies on to
// decide which migrations to run.
func (o Object) versionProblems(f Flavor) []string {
	var p []string
	if f == OpenSearchDashboards {
		if !version.MatchString(o.MigrationVersion[o.Type]) {
			p = append(p, fmt.Sprintf("migrationVersion.%s must be a version like 7.10.0", o.Type))
		}
		if o.CoreMigrationVersion != "" || o.TypeMigrationVersion != "" {
			p = append(p, "coreMigrationVersion/typeMigrationVersion are Kibana 8 fields")
		}
		return p
	}
	if !version.MatchString(o.CoreMigrationVersion) || !version.MatchString(o.TypeMigrationVersion) {
		p = append(p, "coreMigrationVersion and typeMigrationVersion must be versions like 8.8.0")
	}
	if o.MigrationVersion != nil {
		p = append(p, "migrationVersion is the pre-8.8 field; use typeMigrationVersion")
	}
	return p
}
