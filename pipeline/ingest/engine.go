package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Deps are the stages an Engine connects. The engine does not close them.
type Deps struct {
	Source      pipeline.Source
	Parser      pipeline.Parser
	Sink        pipeline.Sink
	DeadLetter  pipeline.DeadLetter
	Checkpoints pipeline.CheckpointStore
	// Logger receives the engine's logs; nil discards them.
	Logger *slog.Logger
	// Observer receives metrics events; nil means none.
	Observer Observer
	// Progress, when set, is called after every batch and every settled
	// window, never concurrently with itself; it must return quickly.
	Progress func(Progress)
	// Now is the clock that continuous mode and backfill plan with; nil
	// means time.Now. Durations are always measured on the real clock.
	Now func() time.Time
}

// Engine runs windows through the pipeline. It is safe for concurrent use.
type Engine struct {
	cfg  Config
	deps Deps
	now  func() time.Time
	log  *slog.Logger
	obs  Observer
	// full is set while the sink's storage is full (see storageFull).
	full fullState
	// pacer is the source's, when it has one.
	pacer Pacer
}

// Pacer is what a Source may tell about its rate limit per project.
type Pacer interface {
	// Ready blocks until a request to the project could go out now,
	// without spending it, or until ctx ends (returning its error).
	Ready(ctx context.Context, projectID string) error
	// Estimate is the least time requests to one project take at the
	// source's pace.
	Estimate(requests int) time.Duration
}

// New checks cfg and deps and returns an engine.
func New(cfg Config, deps Deps) (*Engine, error) {
	var errs []error
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	missing := func(name string, absent bool) {
		if absent {
			errs = append(errs, fmt.Errorf("ingest: no %s given", name))
		}
	}
	missing("source", deps.Source == nil)
	missing("parser", deps.Parser == nil)
	missing("sink", deps.Sink == nil)
	missing("dead letter", deps.DeadLetter == nil)
	missing("checkpoint store", deps.Checkpoints == nil)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, deps: deps, now: deps.Now, log: deps.Logger, obs: deps.Observer}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.obs == nil {
		e.obs = nopObserver{}
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.pacer, _ = deps.Source.(Pacer)
	return e, nil
}

// Config returns the engine's configuration.
func (e *Engine) Config() Config { return e.cfg }
