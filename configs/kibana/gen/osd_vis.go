package gen

// osdVisState returns the legacy visualization type, its params and its
// aggregations for a chart: a vertical bar ("histogram") or line chart for
// time and top-N charts, a data table for tables.
func osdVisState(c chart) (string, map[string]any, []any) {
	count := osdAgg("1", "count", "metric", map[string]any{"customLabel": "Events"})
	switch c.Kind {
	case overTime:
		visType := "histogram"
		if c.Line {
			visType = "line"
		}
		return visType, osdXYParams(visType), []any{
			count,
			osdAgg("2", "date_histogram", "segment", map[string]any{
				"field": timeField, "interval": "auto", "min_doc_count": 1,
				"extended_bounds": map[string]any{}, "customInterval": "2h",
				"drop_partials": false, "useNormalizedOpenSearchInterval": true,
			}),
			osdAgg("3", "terms", "group", osdTermsParams(c.Field, c.Size)),
		}
	case barsBy:
		return "histogram", osdXYParams("histogram"), []any{
			count,
			osdAgg("2", "terms", "segment", osdTermsParams(c.Field, c.Size)),
			osdAgg("3", "terms", "group", osdTermsParams(c.Split, c.SplitSize)),
		}
	default:
		return "table", map[string]any{
				"perPage": 10, "showPartialRows": false, "showMetricsAtAllLevels": false,
				"showTotal": false, "totalFunc": "sum", "percentageCol": "",
				"sort": map[string]any{"columnIndex": nil, "direction": nil},
			}, []any{
				count,
				osdAgg("2", "cardinality", "metric", map[string]any{
					"field": c.Distinct, "customLabel": "Distinct " + c.Distinct,
				}),
				osdAgg("3", "terms", "bucket", osdTermsParams(c.Field, c.Size)),
			}
	}
}

func osdAgg(id, typ, schema string, params map[string]any) map[string]any {
	return map[string]any{"id": id, "enabled": true, "type": typ, "schema": schema, "params": params}
}

// osdTermsParams orders the top values by the event count (agg "1").
func osdTermsParams(field string, size int) map[string]any {
	return map[string]any{
		"field": field, "size": size, "order": "desc", "orderBy": "1",
		"otherBucket": true, "otherBucketLabel": "Other",
		"missingBucket": false, "missingBucketLabel": "Missing",
	}
}

// osdXYParams are the params of a vertical bar or line chart with one
// category axis at the bottom and one value axis at the left.
func osdXYParams(visType string) map[string]any {
	mode := "stacked"
	if visType == "line" {
		mode = "normal"
	}
	return map[string]any{
		"type": visType,
		"grid": map[string]any{"categoryLines": false},
		"categoryAxes": []any{map[string]any{
			"id": "CategoryAxis-1", "type": "category", "position": "bottom", "show": true,
			"style": map[string]any{}, "scale": map[string]any{"type": "linear"},
			"labels": map[string]any{"show": true, "filter": true, "truncate": 100},
			"title":  map[string]any{},
		}},
		"valueAxes": []any{map[string]any{
			"id": "ValueAxis-1", "name": "LeftAxis-1", "type": "value", "position": "left",
			"show": true, "style": map[string]any{},
			"scale":  map[string]any{"type": "linear", "mode": "normal"},
			"labels": map[string]any{"show": true, "rotate": 0, "filter": false, "truncate": 100},
			"title":  map[string]any{"text": "Events"},
		}},
		"seriesParams": []any{map[string]any{
			"show": true, "type": visType, "mode": mode,
			"data":      map[string]any{"label": "Events", "id": "1"},
			"valueAxis": "ValueAxis-1", "drawLinesBetweenPoints": true,
			"lineWidth": 2, "showCircles": true, "interpolate": "linear",
		}},
		"addTooltip": true, "addLegend": true, "legendPosition": "right",
		"times": []any{}, "addTimeMarker": false,
		"labels":        map[string]any{"show": false},
		"thresholdLine": map[string]any{"show": false, "value": 10, "width": 1, "style": "full", "color": "#E7664C"},
	}
}
