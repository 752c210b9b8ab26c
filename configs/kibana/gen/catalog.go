package gen

// The catalog: what aspaudit shows, independent of the product that shows
// it. Kibana and OpenSearch Dashboards render the same searches, charts
// and layout in their own saved object formats.

// DataViewID is the fixed id of the data view (index pattern), so that a
// re-import overwrites it instead of adding a second one.
const DataViewID = "aspaudit-atlas-streams-audit"

// DashboardID is the fixed id of the overview dashboard.
const DashboardID = "aspaudit-overview"

// IndexPattern matches the monthly indices the search sink writes
// (atlas-streams-audit-2026.11) with the default index prefix.
const IndexPattern = "atlas-streams-audit-*"

const timeField = "@timestamp"

// Queries (KQL) shared by searches and charts. They rely on the fields and
// actions of pipeline/transform (FIELDS.md, categories.go): logins are
// event.category "authentication" with event.type "start" in both schemas
// (logouts end), and both schemas name the stream processor and audit log
// actions the same way.
const (
	queryAuth       = `event.category : "authentication" and event.type : "start"`
	queryFailedAuth = queryAuth + ` and event.outcome : "failure"`
	queryLifecycle  = `event.action : ("createStreamProcessor" or "startStreamProcessor" or ` +
		`"stopStreamProcessor" or "modifyStreamProcessor" or "dropStreamProcessor")`
	queryAuditLogAccess  = `event.action : "auditLogAccessed"`
	queryPipelineErrors  = `event.kind : "pipeline_error"`
	dataViewDisplayName  = "Atlas Stream Processing audit"
	dashboardTitle       = "Atlas Stream Processing audit: overview"
	dashboardDescription = "Who did what on Atlas Stream Processing workspaces: actions over time, " +
		"authentication failures, top users and client addresses, stream processor lifecycle."
)

// savedSearch is a Discover search: a query and the columns to show,
// newest first.
type savedSearch struct {
	ID, Title, Description, Query string
	Columns                       []string
}

var searches = []savedSearch{
	{
		ID: "aspaudit-search-all", Title: "Atlas Streams audit: all events",
		Description: "Every audit event, newest first.",
		Columns: []string{"event.action", "event.outcome", "user.name", "source.ip",
			"atlas.streams.workspace", "atlas.streams.processor", "event.code"},
	},
	{
		ID: "aspaudit-search-failed-auth", Title: "Atlas Streams audit: failed authentications",
		Description: "Login attempts that failed (logouts are not counted): who, from where, and why.",
		Query:       queryFailedAuth,
		Columns: []string{"user.name", "source.ip", "atlas.streams.workspace",
			"event.reason", "event.code", "event.action"},
	},
	{
		ID: "aspaudit-search-processor-lifecycle", Title: "Atlas Streams audit: stream processor lifecycle",
		Description: "Stream processors created, started, stopped, modified or dropped.",
		Query:       queryLifecycle,
		Columns: []string{"event.action", "atlas.streams.processor", "atlas.streams.workspace",
			"user.name", "event.outcome", "source.ip"},
	},
	{
		ID: "aspaudit-search-audit-log-accessed", Title: "Atlas Streams audit: audit log accessed",
		Description: "Downloads of the audit log itself (aspaudit's own polls appear here too).",
		Query:       queryAuditLogAccess,
		Columns:     []string{"user.name", "source.ip", "atlas.streams.workspace", "event.outcome"},
	},
	{
		ID: "aspaudit-search-pipeline-errors", Title: "Atlas Streams audit: lines that could not be parsed",
		Description: "Audit lines aspaudit kept verbatim because it could not parse them.",
		Query:       queryPipelineErrors,
		Columns:     []string{"atlas.streams.workspace", "error.message", "event.original"},
	},
}

// chartKind says how a chart lays its data out.
type chartKind int

const (
	// overTime: event count per time bucket, one series per top value of
	// Field.
	overTime chartKind = iota
	// barsBy: event count per top value of Field, stacked by Split.
	barsBy
	// table: top values of Field with their event count and the distinct
	// count of Distinct.
	table
)

// chart is one visualization. Field and Split must be aggregatable.
type chart struct {
	ID, Title, Description string
	Kind                   chartKind
	Query                  string
	Field                  string
	Size                   int
	Split                  string
	SplitSize              int
	Distinct               string
	// Line draws lines instead of stacked bars (overTime only).
	Line bool
}

var charts = []chart{
	{
		ID: "aspaudit-events-over-time", Title: "Events over time by action",
		Description: "Audit events per interval, split by the ten most frequent actions.",
		Kind:        overTime, Field: "event.action", Size: 10,
	},
	{
		ID: "aspaudit-auth-outcomes", Title: "Logins: failed vs successful",
		Description: "Login attempts (not logouts) per interval by outcome; a rise of failures is worth a look.",
		Kind:        overTime, Query: queryAuth, Field: "event.outcome", Size: 3, Line: true,
	},
	{
		ID: "aspaudit-top-users", Title: "Top users",
		Description: "The users behind most events, split by outcome.",
		Kind:        barsBy, Field: "user.name", Size: 10, Split: "event.outcome", SplitSize: 3,
	},
	{
		ID: "aspaudit-top-source-addresses", Title: "Top source addresses",
		Description: "Client addresses with the most events and how many distinct users used each.",
		Kind:        table, Field: "source.ip", Size: 20, Distinct: "user.name",
	},
	{
		ID: "aspaudit-events-per-workspace", Title: "Events per workspace",
		Description: "Audit events per stream processing workspace, split by outcome.",
		Kind:        barsBy, Field: "atlas.streams.workspace", Size: 20, Split: "event.outcome", SplitSize: 3,
	},
}

// panel places a chart or a saved search on the dashboard's 48-column grid.
type panel struct {
	Ref        string // a chart or search id
	Search     bool
	X, Y, W, H int
}

var layout = []panel{
	{Ref: "aspaudit-events-over-time", X: 0, Y: 0, W: 24, H: 14},
	{Ref: "aspaudit-auth-outcomes", X: 24, Y: 0, W: 24, H: 14},
	{Ref: "aspaudit-top-users", X: 0, Y: 14, W: 16, H: 14},
	{Ref: "aspaudit-top-source-addresses", X: 16, Y: 14, W: 16, H: 14},
	{Ref: "aspaudit-events-per-workspace", X: 32, Y: 14, W: 16, H: 14},
	{Ref: "aspaudit-search-processor-lifecycle", Search: true, X: 0, Y: 28, W: 48, H: 16},
}

// fieldFormats are the data view's display formats, by field.
var fieldFormats = map[string]any{
	"source.port":      numberFormat,
	"destination.port": numberFormat,
	"ocsf.class_uid":   numberFormat,
	"ocsf.type_uid":    numberFormat,
	"event.outcome": map[string]any{"id": "color", "params": map[string]any{
		"fieldType": "string",
		"colors": []any{map[string]any{
			"range": "-Infinity:Infinity", "regex": "failure",
			"text": "#FFFFFF", "background": "#BD271E",
		}},
	}},
	"atlas.project.id": map[string]any{"id": "url", "params": map[string]any{
		"type": "a", "urlTemplate": "https://cloud.mongodb.com/v2/{{value}}#/overview",
		"labelTemplate": "{{value}}", "openLinkInCurrentTab": false,
	}},
}

// numberFormat shows ports and class ids without thousands separators.
var numberFormat = map[string]any{"id": "number", "params": map[string]any{"pattern": "0"}}

// fieldLabels are friendlier column names (Kibana only: fieldAttrs).
var fieldLabels = map[string]string{
	"atlas.project.id":        "Atlas project",
	"atlas.streams.workspace": "Workspace",
	"atlas.streams.processor": "Stream processor",
}
