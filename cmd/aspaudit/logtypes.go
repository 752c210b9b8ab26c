package main

import (
	"context"
	"slices"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
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

// checkLogTemplate checks the index template of another log type than the
// audit log, which check covers already.
func (c *checker) checkLogTemplate(ctx context.Context, sink *search.Sink, srv conn.Server, cfg configs.Config, t pipeline.LogType) {
	res, err := templates.Check(ctx, sink.Client(), srv, sink.LayoutOf(t), cfg.Sink.Search.Templates)
	if err != nil {
		c.problem("sink: checking the %s log's template: %v", t.Name(), err)
		return
	}
	for _, p := range res.Problems {
		c.problem("sink: %s log: %s (aspaudit setup installs what is missing)", t.Name(), p)
	}
	if len(res.Problems) == 0 {
		c.ok("%s log: index template %s as aspaudit installs it", t.Name(), sink.LayoutOf(t).TemplateName())
	}
}
