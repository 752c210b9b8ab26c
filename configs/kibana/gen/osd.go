package gen

import (
	"fmt"
	"strconv"
)

// OpenSearch Dashboards 2.x keeps the Kibana 7.10 saved object model: a
// migrationVersion map per object, each value the type's last migration.
// Panel versions must not be below 7.3, or the dashboard app would treat
// the panels as the pre-7.3 layout.
const osdPanelVersion = "7.10.2"

var osdTypeVersions = map[string]string{
	"index-pattern": "7.6.0",
	"search":        "7.9.3",
	"visualization": "7.10.0",
	"dashboard":     "7.9.3",
}

// OpenSearchDashboards returns the OpenSearch Dashboards 2.x saved objects
// export: the index pattern, the saved searches, one visualization per
// chart and the dashboard, dependencies first, then the summary line.
func OpenSearchDashboards() ([]byte, error) { return osdExport(&auditCatalog) }

// OpenSearchDashboardsOperational is OpenSearch Dashboards' export of the
// operational log's objects.
func OpenSearchDashboardsOperational() ([]byte, error) { return osdExport(&operationalCatalog) }

func osdExport(c *catalog) ([]byte, error) {
	e := &encoder{c: c}
	objs := []object{osdIndexPattern(e)}
	for _, s := range c.searches {
		o := kibanaSearch(e, s)
		o.Attributes = osdSearchAttributes(e, s)
		objs = append(objs, o)
	}
	for _, ch := range c.charts {
		objs = append(objs, osdVisualization(e, ch))
	}
	d, err := osdDashboard(e)
	if err != nil {
		return nil, err
	}
	objs = append(objs, d)
	if e.err != nil {
		return nil, e.err
	}
	docs := make([]any, 0, len(objs)+1)
	for _, o := range objs {
		o.MigrationVersion = map[string]string{o.Type: osdTypeVersions[o.Type]}
		docs = append(docs, o)
	}
	docs = append(docs, map[string]any{
		"exportedCount": len(objs), "missingRefCount": 0, "missingReferences": []any{},
	})
	return ndjson(docs)
}

func osdIndexPattern(e *encoder) object {
	return object{
		Type: "index-pattern", ID: e.c.dataViewID, References: []reference{},
		Attributes: map[string]any{
			"title":          e.c.indexPattern,
			"timeFieldName":  timeField,
			"fields":         "[]",
			"fieldFormatMap": e.str(e.c.fieldFormats),
		},
	}
}

func osdSearchAttributes(e *encoder, s savedSearch) map[string]any {
	return map[string]any{
		"title":                 s.Title,
		"description":           s.Description,
		"columns":               s.Columns,
		"sort":                  [][]string{{timeField, "desc"}},
		"hits":                  0,
		"version":               1,
		"kibanaSavedObjectMeta": map[string]any{"searchSourceJSON": e.searchSource(s.Query)},
	}
}

func osdVisualization(e *encoder, c chart) object {
	visType, params, aggs := osdVisState(c)
	return object{
		Type: "visualization", ID: c.ID,
		References: []reference{e.dataViewReference(searchSourceIndexRef)},
		Attributes: map[string]any{
			"title":       c.Title,
			"description": c.Description,
			"visState": e.str(map[string]any{
				"title": c.Title, "type": visType, "params": params, "aggs": aggs,
			}),
			"uiStateJSON":           "{}",
			"version":               1,
			"kibanaSavedObjectMeta": map[string]any{"searchSourceJSON": e.searchSource(c.Query)},
		},
	}
}

func osdDashboard(e *encoder) (object, error) {
	var panels []any
	var refs []reference
	for i, p := range e.c.layout {
		typ := "search"
		if !p.Search {
			if _, ok := e.c.findChart(p.Ref); !ok {
				return object{}, fmt.Errorf("layout: no chart %q", p.Ref)
			}
			typ = "visualization"
		}
		idx := strconv.Itoa(i + 1)
		ref := fmt.Sprintf("panel_%d", i)
		panels = append(panels, map[string]any{
			"version": osdPanelVersion, "panelIndex": idx, "embeddableConfig": map[string]any{},
			"gridData":     map[string]any{"x": p.X, "y": p.Y, "w": p.W, "h": p.H, "i": idx},
			"panelRefName": ref,
		})
		refs = append(refs, reference{ID: p.Ref, Name: ref, Type: typ})
	}
	return object{
		Type: "dashboard", ID: e.c.dashboardID, References: refs,
		Attributes: map[string]any{
			"title":           e.c.dashboardTitle,
			"description":     e.c.dashboardDescription,
			"hits":            0,
			"panelsJSON":      e.str(panels),
			"optionsJSON":     e.str(map[string]any{"hidePanelTitles": false, "useMargins": true}),
			"version":         1,
			"timeRestore":     true,
			"timeFrom":        "now-7d",
			"timeTo":          "now",
			"refreshInterval": map[string]any{"pause": true, "value": 60000},
			"kibanaSavedObjectMeta": map[string]any{"searchSourceJSON": e.str(map[string]any{
				"query": map[string]any{"query": "", "language": "kuery"}, "filter": []any{},
			})},
		},
	}, nil
}
