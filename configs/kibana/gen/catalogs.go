package gen

// catalog is one set of saved objects: a data view over one index
// pattern, its searches, charts and dashboard. The audit log and the
// operational log each have one.
type catalog struct {
	dataViewID, dashboardID, indexPattern              string
	dataViewName, dashboardTitle, dashboardDescription string
	searches                                           []savedSearch
	charts                                             []chart
	layout                                             []panel
	fieldFormats                                       map[string]any
	fieldLabels                                        map[string]string
}

// auditCatalog is the audit log's catalog (catalog.go).
var auditCatalog = catalog{
	dataViewID: DataViewID, dashboardID: DashboardID, indexPattern: IndexPattern,
	dataViewName: dataViewDisplayName, dashboardTitle: dashboardTitle, dashboardDescription: dashboardDescription,
	searches: searches, charts: charts, layout: layout, fieldFormats: fieldFormats, fieldLabels: fieldLabels,
}
