package search

import (
	"context"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/state"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// Check reaches the cluster and reports what it lacks: the index
// templates (of every log type fetched), the retention policy, a readable
// state index.
func (s *Section) Check(ctx context.Context, r sinks.Reporter, logTypes []pipeline.LogType) {
	sink, err := New(s.Config, nil)
	if err != nil {
		r.Problem("sink: %v", err)
		return
	}
	defer func() { _ = sink.Close(context.WithoutCancel(ctx)) }()
	srv, err := sink.Client().Detect(ctx)
	if err != nil {
		r.Problem("sink: cannot reach %v: %v", s.Conn.URLs, err)
		return
	}
	r.OK("reached %s at %v", srv, s.Conn.URLs)
	res, err := templates.Check(ctx, sink.Client(), srv, sink.Layout(), s.Templates)
	if err != nil {
		r.Problem("sink: checking templates: %v", err)
		return
	}
	for _, n := range res.Notes {
		r.Note("%s", n)
	}
	for _, p := range res.Problems {
		r.Problem("sink: %s (aspaudit setup installs what is missing)", p)
	}
	if len(res.Problems) == 0 {
		r.OK("index template and retention as aspaudit installs them")
	}
	for _, t := range logTypes {
		if t != pipeline.AuditLog {
			s.checkLogTemplate(ctx, r, sink, srv, t)
		}
	}
	problems, err := state.Check(ctx, sink.Client(), srv, s.State)
	if err != nil {
		r.Problem("sink: checking the state index %s: %v", s.State.StateIndex, err)
		return
	}
	for _, p := range problems {
		r.Problem("sink: %s", p)
	}
	if len(problems) == 0 {
		r.OK("state index %s can be read", s.State.StateIndex)
	}
}

// checkLogTemplate checks the index template of another log type than the
// audit log, which Check covers already.
func (s *Section) checkLogTemplate(ctx context.Context, r sinks.Reporter, sink *Sink, srv conn.Server, t pipeline.LogType) {
	res, err := templates.Check(ctx, sink.Client(), srv, sink.LayoutOf(t), s.Templates)
	if err != nil {
		r.Problem("sink: checking the %s log's template: %v", t.Name(), err)
		return
	}
	for _, p := range res.Problems {
		r.Problem("sink: %s log: %s (aspaudit setup installs what is missing)", t.Name(), p)
	}
	if len(res.Problems) == 0 {
		r.OK("%s log: index template %s as aspaudit installs it", t.Name(), sink.LayoutOf(t).TemplateName())
	}
}
