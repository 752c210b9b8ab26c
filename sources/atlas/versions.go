package atlas

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aspaudit/aspaudit/pipeline"
)

// documentedVersion is the Accept version the specification declares for
// a log type's download.
func documentedVersion(t pipeline.LogType) string {
	spec, _ := t.Spec()
	return spec.APIVersion
}

// versionOf returns the Accept version of a log type's download and the
// configuration key it comes from: api_versions.<name> when set, else the
// older per-log keys (api_version for the audit log,
// operational_api_version for the operational log), else the documented
// version.
func (c Config) versionOf(t pipeline.LogType) (version, key string) {
	if v := c.APIVersions[t.Name()]; v != "" {
		return v, "api_versions." + t.Name()
	}
	switch {
	case t == pipeline.AuditLog && c.APIVersion != "":
		return c.APIVersion, "api_version"
	case t == pipeline.OperationalLog && c.OperationalAPIVersion != "":
		return c.OperationalAPIVersion, "operational_api_version"
	}
	return documentedVersion(t), "api_versions." + t.Name()
}

// validateAPIVersions checks api_versions: known log types, dates.
func (c Config) validateAPIVersions() error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(c.APIVersions)) {
		key := "api_versions." + name
		t, err := pipeline.ParseLogType(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
			continue
		}
		if t.Name() != name {
			errs = append(errs, fmt.Errorf("%s: write the log type's name %q", key, t.Name()))
			continue
		}
		if v := c.APIVersions[name]; !versionPattern.MatchString(v) {
			errs = append(errs, fmt.Errorf("%s: %q is not a date like %s", key, v, documentedVersion(t)))
		}
	}
	return errors.Join(errs...)
}
