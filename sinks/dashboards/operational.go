package dashboards

import (
	"fmt"

	"github.com/aspaudit/aspaudit/configs/dashboards"
	"github.com/aspaudit/aspaudit/configs/kibana"
)

// OperationalSavedObjectsFor returns the product's export of the
// operational log's objects (data view, searches of errors and warnings,
// charts, dashboard) with its data view matching pattern.
func (f Flavor) OperationalSavedObjectsFor(pattern string) ([]byte, error) {
	export := kibana.OperationalSavedObjects
	if f == OpenSearchDashboards {
		export = dashboards.OperationalSavedObjects
	}
	out, err := WithIndexPattern(export, pattern)
	if err != nil {
		return nil, fmt.Errorf("adapting the %s operational-log objects to %s: %w", f, pattern, err)
	}
	return out, nil
}
