package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/pipeline/transform/oplog"
	"github.com/aspaudit/aspaudit/sinks/file"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/state"
)

// outputs are where events, dead letters and checkpoints go, as the sink
// configuration says.
type outputs struct {
	sink        pipeline.Sink
	dead        pipeline.DeadLetter
	checkpoints pipeline.CheckpointStore
	search      *search.Sink // nil with the file sink
	where       string       // for summaries
	closed      bool
}

// openOutputs builds the sink, the dead-letter place and the checkpoint
// store. With a search sink, checkpoints live in the cluster (shared by
// every replica) and dead letters in an index when one is configured,
// else in a file under sink.path.
func openOutputs(ctx context.Context, cfg configs.Config, log *slog.Logger) (*outputs, error) {
	path := cfg.Sink.File.Path
	if !cfg.UsesSearch() {
		sink, err := file.New(ctx, cfg.Sink.File, log)
		if err != nil {
			return nil, fmt.Errorf("opening the file sink: %w", err)
		}
		dead, err := file.NewDeadLetter(path)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("opening the dead-letter file: %w", err), sink.Close(ctx))
		}
		cp, err := file.NewCheckpointStore(path)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("opening the checkpoint file: %w", err), sink.Close(ctx), dead.Close())
		}
		return &outputs{sink: sink, dead: dead, checkpoints: cp, where: "NDJSON files under " + path}, nil
	}
	sink, err := search.New(cfg.Sink.Search, log)
	if err != nil {
		return nil, fmt.Errorf("configuring the %s sink: %w", cfg.Sink.Type, err)
	}
	cp, err := state.NewCheckpointStore(sink.Client(), cfg.Sink.State, log)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("configuring the checkpoint index: %w", err), sink.Close(ctx))
	}
	var dead pipeline.DeadLetter
	if cfg.Sink.State.DeadLetterIndex != "" {
		dead, err = state.NewDeadLetterIndex(sink.Client(), cfg.Sink.State, log)
	} else {
		dead, err = file.NewDeadLetter(path)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("opening the dead-letter place: %w", err), sink.Close(ctx))
	}
	return &outputs{sink: sink, dead: dead, checkpoints: cp, search: sink,
		where: fmt.Sprintf("%s at %v", cfg.Sink.Type, cfg.Sink.Search.Conn.URLs)}, nil
}

// close flushes and releases everything, reporting every failure.
func (o *outputs) close(ctx context.Context) error {
	if o.closed {
		return nil
	}
	o.closed = true
	var errs []error
	if o.sink != nil {
		errs = append(errs, o.sink.Close(ctx))
	}
	if o.dead != nil {
		errs = append(errs, o.dead.Close())
	}
	if c, ok := o.checkpoints.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
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
func newEngine(cfg configs.Config, src pipeline.Source, out *outputs, log *slog.Logger, obs ingest.Observer, progress func(ingest.Progress)) (*ingest.Engine, error) {
	return ingest.New(cfg.Pipeline, ingest.Deps{
		Source:      src,
		Parser:      newParser(cfg, src),
		Sink:        out.sink,
		DeadLetter:  out.dead,
		Checkpoints: out.checkpoints,
		Logger:      log,
		Observer:    obs,
		Progress:    progress,
	})
}
