package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/pipeline/transform/oplog"
	"github.com/aspaudit/aspaudit/sinks"
)

// upkeepEvery is how often `run` does the sink's housekeeping (deleting
// indices past the retention).
const upkeepEvery = time.Hour

// openOutputs opens the configured sink type's sink, dead-letter place
// and checkpoint store (a valid configuration has a registered type).
func openOutputs(ctx context.Context, cfg configs.Config, log *slog.Logger) (*sinks.Outputs, error) {
	sec := cfg.Sink.Selected()
	if sec == nil {
		return nil, fmt.Errorf("sink.type %q is not registered", cfg.Sink.Type)
	}
	return sec.Open(ctx, log)
}

// upkeep does the sink's housekeeping once, when it has any.
func upkeep(ctx context.Context, out *sinks.Outputs) {
	if out.Upkeep != nil {
		out.Upkeep(ctx)
	}
}

// upkeepPeriodically does the sink's housekeeping every upkeepEvery until
// ctx ends.
func upkeepPeriodically(ctx context.Context, out *sinks.Outputs) {
	if out.Upkeep == nil {
		return
	}
	go func() {
		t := time.NewTicker(upkeepEvery)
		defer t.Stop()
		for {
			out.Upkeep(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// newParser returns the parser of each log type, placing events by the
// source when it knows where workspaces run.
func newParser(cfg configs.Config, src pipeline.Source) pipeline.Parsers {
	opts := []transform.Option{transform.WithAgentVersion(version)}
	opsOpts := []oplog.Option{oplog.WithAgentVersion(version)}
	if l, ok := src.(pipeline.Locator); ok {
		opts = append(opts, transform.WithLocator(l))
		opsOpts = append(opsOpts, oplog.WithLocator(l))
	}
	return pipeline.Parsers{
		pipeline.AuditLog:       transform.New(cfg.Transform, opts...),
		pipeline.OperationalLog: oplog.New(opsOpts...),
	}
}

// newEngine connects source, transform and outputs.
func newEngine(cfg configs.Config, src pipeline.Source, out *sinks.Outputs, log *slog.Logger, obs ingest.Observer, progress func(ingest.Progress)) (*ingest.Engine, error) {
	return ingest.New(cfg.Pipeline, ingest.Deps{
		Source:      src,
		Parser:      newParser(cfg, src),
		Sink:        out.Sink,
		DeadLetter:  out.DeadLetter,
		Checkpoints: out.Checkpoints,
		Logger:      log,
		Observer:    obs,
		Progress:    progress,
	})
}
