package atlas

import (
	"net/url"

	"github.com/aspaudit/aspaudit/pipeline"
)

// endpoint is one of the logs Atlas serves for a workspace, read from the
// log type's entry in pipeline's table: a new log type is a new entry
// there, not a new path through the source.
type endpoint struct {
	// name labels requests in metrics and the fake's records.
	name string
	// what names the log in errors and hints ("audit log").
	what string
	// path returns the download's path below the project's streams.
	path func(workspace string) string
	// version returns the configured Accept version and its
	// configuration key; documented is the version the specification
	// declares, for hints.
	version    func(Config) (string, string)
	documented string
}

// endpointOf returns the endpoint of a log type; ok is false for a log
// type Atlas does not serve.
func endpointOf(t pipeline.LogType) (endpoint, bool) {
	spec, ok := t.Spec()
	if !ok || spec.PathSuffix == "" {
		return endpoint{what: t.Name() + " log"}, false
	}
	return endpoint{
		name:       spec.Endpoint,
		what:       t.Name() + " log",
		path:       func(ws string) string { return "/" + url.PathEscape(ws) + spec.PathSuffix },
		version:    func(c Config) (string, string) { return c.versionOf(t) },
		documented: spec.APIVersion,
	}, true
}
