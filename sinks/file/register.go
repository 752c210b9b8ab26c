package file

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks"
)

// TypeName is the file sink's sink.type, and its section sink.file.
const TypeName = "file"

func init() {
	sinks.Register(sinks.Type{Name: TypeName, NewSection: func() sinks.Section {
		c := NewDefaultConfig()
		return &c
	}})
}

var _ sinks.Section = (*Config)(nil)

// Open opens the file sink with its dead-letter file and checkpoint file,
// all under Path.
func (c *Config) Open(ctx context.Context, log *slog.Logger) (*sinks.Outputs, error) {
	sink, err := New(ctx, *c, log)
	if err != nil {
		return nil, fmt.Errorf("opening the file sink: %w", err)
	}
	dead, err := NewDeadLetter(c.Path)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("opening the dead-letter file: %w", err), sink.Close(ctx))
	}
	cp, err := NewCheckpointStore(c.Path)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("opening the checkpoint file: %w", err), sink.Close(ctx), dead.Close(ctx))
	}
	return &sinks.Outputs{Sink: sink, DeadLetter: dead, Checkpoints: cp, Where: "NDJSON files under " + c.Path}, nil
}

// Check reports whether the data directory can be used (see Check).
func (c *Config) Check(_ context.Context, r sinks.Reporter, _ []pipeline.LogType) {
	msg, err := Check(*c)
	if err != nil {
		r.Problem("sink: %v", err)
		return
	}
	r.OK("%s", msg)
}

// Setup has nothing to install: the data directory is created on first
// write.
func (c *Config) Setup(_ context.Context, req sinks.SetupRequest) (sinks.Installed, error) {
	fmt.Fprintf(req.Out, "sink: NDJSON files under %s: nothing to install\n", c.Path)
	return sinks.Installed{}, nil
}
