package gen

import "fmt"

// Lens column ids; one layer per visualization.
const (
	lensLayer    = "layer1"
	colTime      = "time"
	colCount     = "count"
	colField     = "field"
	colSplit     = "split"
	colDistinct  = "distinct"
	recordsField = "___records___"
)

// kibanaLens renders a chart as a Lens saved object ("formBased" data
// source, the 8.6+ name of the form-based layers).
func kibanaLens(e *encoder, c chart) object {
	cols, order, vis, visType := lensLayout(c)
	return object{
		Type: "lens", ID: c.ID,
		References: []reference{e.dataViewReference("indexpattern-datasource-layer-" + lensLayer)},
		Attributes: map[string]any{
			"title":             c.Title,
			"description":       c.Description,
			"visualizationType": visType,
			"state": map[string]any{
				"datasourceStates": map[string]any{"formBased": map[string]any{"layers": map[string]any{
					lensLayer: map[string]any{
						"columns": cols, "columnOrder": order,
						"incompleteColumns": map[string]any{}, "sampling": 1,
					},
				}}},
				"visualization":      vis,
				"query":              map[string]any{"query": c.Query, "language": "kuery"},
				"filters":            []any{},
				"internalReferences": []any{},
				"adHocDataViews":     map[string]any{},
			},
		},
	}
}

// lensLayout returns the columns, their order, the visualization state and
// its type for a chart.
func lensLayout(c chart) (map[string]any, []string, map[string]any, string) {
	cols := map[string]any{colCount: lensCount()}
	switch c.Kind {
	case overTime:
		cols[colTime] = lensDateHistogram()
		cols[colSplit] = lensTerms(c.Field, c.Size)
		series := "bar_stacked"
		if c.Line {
			series = "line"
		}
		return cols, []string{colSplit, colTime, colCount},
			lensXY(series, colTime, colSplit), "lnsXY"
	case barsBy:
		cols[colField] = lensTerms(c.Field, c.Size)
		cols[colSplit] = lensTerms(c.Split, c.SplitSize)
		return cols, []string{colField, colSplit, colCount},
			lensXY("bar_horizontal_stacked", colField, colSplit), "lnsXY"
	default:
		cols[colField] = lensTerms(c.Field, c.Size)
		cols[colDistinct] = lensUniqueCount(c.Distinct)
		return cols, []string{colField, colCount, colDistinct}, lensTable(), "lnsDatatable"
	}
}

func lensCount() map[string]any {
	return map[string]any{
		"label": "Events", "customLabel": true, "dataType": "number", "operationType": "count",
		"isBucketed": false, "scale": "ratio", "sourceField": recordsField,
		"params": map[string]any{"emptyAsNull": true},
	}
}

func lensDateHistogram() map[string]any {
	return map[string]any{
		"label": timeField, "dataType": "date", "operationType": "date_histogram",
		"sourceField": timeField, "isBucketed": true, "scale": "interval",
		"params": map[string]any{"interval": "auto", "includeEmptyRows": true, "dropPartials": false},
	}
}

// lensTerms is a "top values" column ordered by the event count.
func lensTerms(field string, size int) map[string]any {
	dataType := "string"
	if field == "source.ip" || field == "destination.ip" {
		dataType = "ip"
	}
	return map[string]any{
		"label": fmt.Sprintf("Top %d values of %s", size, field), "dataType": dataType,
		"operationType": "terms", "scale": "ordinal", "sourceField": field, "isBucketed": true,
		"params": map[string]any{
			"size": size, "orderBy": map[string]any{"type": "column", "columnId": colCount},
			"orderDirection": "desc", "otherBucket": true, "missingBucket": false,
			"parentFormat": map[string]any{"id": "terms"},
		},
	}
}

func lensUniqueCount(field string) map[string]any {
	return map[string]any{
		"label": "Distinct " + field, "customLabel": true, "dataType": "number",
		"operationType": "unique_count", "scale": "ratio", "sourceField": field, "isBucketed": false,
		"params": map[string]any{"emptyAsNull": true},
	}
}

func lensXY(series, x, split string) map[string]any {
	return map[string]any{
		"legend":              map[string]any{"isVisible": true, "position": "right"},
		"valueLabels":         "hide",
		"fittingFunction":     "None",
		"preferredSeriesType": series,
		"layers": []any{map[string]any{
			"layerId": lensLayer, "layerType": "data", "seriesType": series,
			"xAccessor": x, "splitAccessor": split, "accessors": []string{colCount},
		}},
	}
}

func lensTable() map[string]any {
	return map[string]any{
		"layerId": lensLayer, "layerType": "data",
		"columns": []any{
			map[string]any{"columnId": colField},
			map[string]any{"columnId": colCount},
			map[string]any{"columnId": colDistinct},
		},
		"sorting": map[string]any{"columnId": colCount, "direction": "desc"},
	}
}
