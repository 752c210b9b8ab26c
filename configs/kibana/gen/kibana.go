package gen

import "fmt"

// Version stamps for Kibana 8.9 and later. coreMigrationVersion 8.8.0 is
// what every 8.8+ export carries; each typeMigrationVersion is the last
// migration of its type in 8.9, so a newer Kibana migrates the objects
// forward and none rejects them as "from a newer version".
const (
	kibanaCoreVersion  = "8.8.0"
	kibanaPanelVersion = "8.9.0"
)

var kibanaTypeVersions = map[string]string{
	"index-pattern": "8.0.0",
	"search":        "8.0.0",
	"lens":          "8.9.0",
	"dashboard":     "8.9.0",
}

// Kibana returns the Kibana 8.x saved objects export: the data view, the
// saved searches, one Lens visualization per chart and the dashboard,
// dependencies first, then the export summary line.
func Kibana() ([]byte, error) { return kibanaExport(&auditCatalog) }

// KibanaOperational is Kibana's export of the operational log's objects.
func KibanaOperational() ([]byte, error) { return kibanaExport(&operationalCatalog) }

func kibanaExport(c *catalog) ([]byte, error) {
	e := &encoder{c: c}
	objs := []object{kibanaDataView(e)}
	for _, s := range c.searches {
		objs = append(objs, kibanaSearch(e, s))
	}
	for _, ch := range c.charts {
		objs = append(objs, kibanaLens(e, ch))
	}
	d, err := kibanaDashboard(e)
	if err != nil {
		return nil, err
	}
	objs = append(objs, d)
	if e.err != nil {
		return nil, e.err
	}
	docs := make([]any, 0, len(objs)+1)
	for _, o := range objs {
		o.CoreMigrationVersion = kibanaCoreVersion
		o.TypeMigrationVersion = kibanaTypeVersions[o.Type]
		docs = append(docs, o)
	}
	docs = append(docs, map[string]any{
		"excludedObjects": []any{}, "excludedObjectsCount": 0,
		"exportedCount": len(objs), "missingRefCount": 0, "missingReferences": []any{},
	})
	return ndjson(docs)
}

func kibanaDataView(e *encoder) object {
	fieldAttrs := map[string]any{}
	for f, l := range e.c.fieldLabels {
		fieldAttrs[f] = map[string]any{"customLabel": l}
	}
	return object{
		Type: "index-pattern", ID: e.c.dataViewID, References: []reference{},
		Attributes: map[string]any{
			"title":           e.c.indexPattern,
			"name":            e.c.dataViewName,
			"timeFieldName":   timeField,
			"fields":          "[]",
			"fieldFormatMap":  e.str(e.c.fieldFormats),
			"fieldAttrs":      e.str(fieldAttrs),
			"runtimeFieldMap": "{}",
			"sourceFilters":   "[]",
			"typeMeta":        "{}",
			"allowNoIndex":    false,
		},
	}
}

func kibanaSearch(e *encoder, s savedSearch) object {
	return object{
		Type: "search", ID: s.ID,
		References: []reference{e.dataViewReference(searchSourceIndexRef)},
		Attributes: map[string]any{
			"title":                 s.Title,
			"description":           s.Description,
			"columns":               s.Columns,
			"sort":                  [][]string{{timeField, "desc"}},
			"grid":                  map[string]any{},
			"hideChart":             false,
			"isTextBasedQuery":      false,
			"kibanaSavedObjectMeta": map[string]any{"searchSourceJSON": e.searchSource(s.Query)},
		},
	}
}

func kibanaDashboard(e *encoder) (object, error) {
	var panels []any
	var refs []reference
	for i, p := range e.c.layout {
		idx := fmt.Sprintf("p%d", i+1)
		typ := "lens"
		if p.Search {
			typ = "search"
		} else if _, ok := e.c.findChart(p.Ref); !ok {
			return object{}, fmt.Errorf("layout: no chart %q", p.Ref)
		}
		panels = append(panels, map[string]any{
			"version": kibanaPanelVersion, "type": typ, "panelIndex": idx,
			"gridData":         map[string]any{"x": p.X, "y": p.Y, "w": p.W, "h": p.H, "i": idx},
			"embeddableConfig": map[string]any{"enhancements": map[string]any{}},
			"panelRefName":     "panel_" + idx,
		})
		refs = append(refs, reference{ID: p.Ref, Name: idx + ":panel_" + idx, Type: typ})
	}
	return object{
		Type: "dashboard", ID: e.c.dashboardID, References: refs,
		Attributes: map[string]any{
			"title":       e.c.dashboardTitle,
			"description": e.c.dashboardDescription,
			"panelsJSON":  e.str(panels),
			"optionsJSON": e.str(map[string]any{
				"useMargins": true, "syncColors": false, "syncCursor": true,
				"syncTooltips": false, "hidePanelTitles": false,
			}),
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
