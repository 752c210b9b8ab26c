package dashboards

import (
	"github.com/aspaudit/aspaudit/configs/dashboards"
	"github.com/aspaudit/aspaudit/configs/kibana"
)

// Flavor is the product that receives the saved objects.
type Flavor int

const (
	// Kibana is Kibana 8.9 or later.
	Kibana Flavor = iota + 1
	// OpenSearchDashboards is OpenSearch Dashboards 2.x.
	OpenSearchDashboards
)

// String returns the product's name.
func (f Flavor) String() string {
	switch f {
	case Kibana:
		return "Kibana"
	case OpenSearchDashboards:
		return "OpenSearch Dashboards"
	}
	return "unknown"
}

// xsrfHeader is the header each product requires on API writes.
func (f Flavor) xsrfHeader() string {
	if f == OpenSearchDashboards {
		return "osd-xsrf"
	}
	return "kbn-xsrf"
}

// SavedObjects returns aspaudit's export for the product (read-only).
func (f Flavor) SavedObjects() []byte {
	if f == OpenSearchDashboards {
		return dashboards.SavedObjects
	}
	return kibana.SavedObjects
}

// ExportPath returns where the export lives in aspaudit's source tree.
func (f Flavor) ExportPath() string {
	if f == OpenSearchDashboards {
		return dashboards.Path
	}
	return kibana.Path
}

// FileName is the name the export is uploaded under; both products
// require the .ndjson extension.
const FileName = kibana.FileName
