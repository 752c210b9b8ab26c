package gen

// The operational log's catalog: what stream processors themselves
// logged (pipeline/transform/oplog's fields), over its own indices.

// OperationalDataViewID is the fixed id of the operational log's data
// view.
const OperationalDataViewID = "aspaudit-atlas-streams-ops"

// OperationalDashboardID is the fixed id of the operational dashboard.
const OperationalDashboardID = "aspaudit-operational"

// OperationalIndexPattern matches the operational log's indices with the
// default prefix (atlas-streams-ops-2026.11).
const OperationalIndexPattern = "atlas-streams-ops-*"

const queryProblems = `log.level : ("fatal" or "error" or "warn")`

var operationalCatalog = catalog{
	dataViewID: OperationalDataViewID, dashboardID: OperationalDashboardID, indexPattern: OperationalIndexPattern,
	dataViewName:         "Atlas Stream Processing operational log",
	dashboardTitle:       "Atlas Stream Processing operational log: overview",
	dashboardDescription: "What stream processors logged: volume by level over time, the processors with the most errors, errors and warnings.",
	searches: []savedSearch{
		{
			ID: "aspaudit-ops-search-problems", Title: "Atlas Streams operational log: errors and warnings",
			Description: "Operational lines of level fatal, error or warn, newest first.",
			Query:       queryProblems,
			Columns:     []string{"log.level", "atlas.streams.processor", "log.logger", "message", "atlas.streams.workspace"},
		},
		{
			ID: "aspaudit-ops-search-all", Title: "Atlas Streams operational log: all lines",
			Description: "Every operational line, newest first.",
			Columns:     []string{"log.level", "atlas.streams.processor", "message", "atlas.streams.workspace"},
		},
	},
	charts: []chart{
		{
			ID: "aspaudit-ops-volume-by-level", Title: "Log volume by level",
			Description: "Operational lines per interval, split by level.",
			Kind:        overTime, Field: "log.level", Size: 6,
		},
		{
			ID: "aspaudit-ops-top-processors-by-errors", Title: "Top processors by errors",
			Description: "The stream processors with the most error and fatal lines, split by workspace.",
			Kind:        barsBy, Query: `log.level : ("fatal" or "error")`, Field: "atlas.streams.processor", Size: 10,
			Split: "atlas.streams.workspace", SplitSize: 5,
		},
	},
	layout: []panel{
		{Ref: "aspaudit-ops-volume-by-level", X: 0, Y: 0, W: 24, H: 14},
		{Ref: "aspaudit-ops-top-processors-by-errors", X: 24, Y: 0, W: 24, H: 14},
		{Ref: "aspaudit-ops-search-problems", Search: true, X: 0, Y: 14, W: 48, H: 16},
	},
	fieldFormats: map[string]any{
		"log.level": map[string]any{"id": "color", "params": map[string]any{
			"fieldType": "string",
			"colors": []any{map[string]any{
				"range": "-Infinity:Infinity", "regex": "fatal|error",
				"text": "#FFFFFF", "background": "#BD271E",
			}},
		}},
	},
	fieldLabels: map[string]string{
		"atlas.streams.workspace": "Workspace",
		"atlas.streams.processor": "Stream processor",
		"log.level":               "Level",
	},
}
