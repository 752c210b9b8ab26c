package atlas

import (
	"net/url"

	"github.com/aspaudit/aspaudit/pipeline"
)

// endpoint is one of the logs Atlas serves for a workspace, as data: a
// new log type is a new entry here (and its line parser and index prefix
// where the transform and the sinks are wired), not a new path through
// the source.
type endpoint struct {
	// name labels requests in metrics and the fake's records.
	name string
	// what names the log in errors and hints ("audit log").
	what string
	// path returns the download's path below the project's streams.
	path func(workspace string) string
	// version returns the configured Accept version; versionKey is its
	// configuration key and documented the version the specification
	// declares, both for hints.
	version    func(Config) string
	versionKey string
	documented string
}

// DefaultOperationalAPIVersion is the version of the operational-log
// download in the Admin API v2 specification.
const DefaultOperationalAPIVersion = "2025-03-12"

var endpoints = map[pipeline.LogType]endpoint{
	pipeline.AuditLog: {
		name: "auditLogs", what: "audit log",
		path:    func(ws string) string { return "/" + url.PathEscape(ws) + "/auditLogs" },
		version: func(c Config) string { return c.APIVersion }, versionKey: "api_version", documented: "2023-02-01",
	},
	pipeline.OperationalLog: {
		name: "operationalLogs", what: "operational log",
		path:    func(ws string) string { return "/" + url.PathEscape(ws) + ":downloadOperationalLogs" },
		version: func(c Config) string { return c.OperationalAPIVersion }, versionKey: "operational_api_version", documented: DefaultOperationalAPIVersion,
	},
}

// endpointOf returns the endpoint of a log type; ok is false for a log
// type Atlas does not serve.
func endpointOf(t pipeline.LogType) (endpoint, bool) {
	e, ok := endpoints[t]
	return e, ok
}
