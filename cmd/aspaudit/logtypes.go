package main

import (
	"slices"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
)

// fetchesLog reports whether any project (or atlas.log_types, for
// discovered ones) fetches log type t, so that setup installs its template
// and saved objects.
func fetchesLog(cfg configs.Config, t pipeline.LogType) bool {
	for _, n := range cfg.Atlas.LogTypes {
		if lt, err := pipeline.ParseLogType(n); err == nil && lt == t {
			return true
		}
	}
	for _, p := range cfg.Atlas.Projects {
		if slices.Contains(p.Logs(cfg.Atlas.LogTypes), t) {
			return true
		}
	}
	return false
}

// fetchedLogs lists the log types the configuration fetches, the audit
// log always.
func fetchedLogs(cfg configs.Config) []pipeline.LogType {
	var out []pipeline.LogType
	for _, t := range pipeline.LogTypes {
		if t == pipeline.AuditLog || fetchesLog(cfg, t) {
			out = append(out, t)
		}
	}
	return out
}
