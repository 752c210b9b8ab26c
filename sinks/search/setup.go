package search

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aspaudit/aspaudit/sinks"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/state"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// Setup installs the index template, the retention policy and the state
// indices, then applies retention once.
func (s *Section) Setup(ctx context.Context, req sinks.SetupRequest) (sinks.Installed, error) {
	w, log := req.Out, req.Log
	sink, err := New(s.Config, log)
	if err != nil {
		return sinks.Installed{}, fmt.Errorf("configuring the %s sink: %w", string(s.flavor), err)
	}
	defer func() { _ = sink.Close(context.WithoutCancel(ctx)) }()
	client := sink.Client()
	srv, err := s.detect(ctx, client)
	if err != nil {
		return sinks.Installed{}, err
	}
	fmt.Fprintf(w, "sink: %s at %v\n", srv, s.Conn.URLs)
	for _, t := range req.LogTypes {
		var rep templates.Report
		err = s.Retry.Do(ctx, func(ctx context.Context) error {
			rep, err = templates.Install(ctx, client, srv, sink.LayoutOf(t), s.Templates)
			return err
		}, nil)
		if err != nil {
			return sinks.Installed{}, fmt.Errorf("installing the index template of the %s log: %w", t.Name(), err)
		}
		for _, l := range rep.Lines() {
			fmt.Fprintln(w, "  "+l)
		}
	}
	if err := s.ensureStateIndices(ctx, client, log); err != nil {
		return sinks.Installed{}, err
	}
	fmt.Fprintf(w, "  state index %s ready\n", s.State.StateIndex)
	ret, err := templates.ApplyRetention(ctx, client, srv, sink.Layout(), s.Templates, time.Now())
	if err != nil {
		return sinks.Installed{}, fmt.Errorf("applying retention: %w", err)
	}
	if len(ret.Deleted) > 0 {
		fmt.Fprintf(w, "  retention: deleted %d indices older than %s: %v\n", len(ret.Deleted), s.Templates.Retention, ret.Deleted)
	}
	return sinks.Installed{OpenSearch: srv.Flavor == conn.OpenSearch}, nil
}

// detect finds what the cluster runs and fails when it is not the
// product sink.type names.
func (s *Section) detect(ctx context.Context, client *conn.Client) (conn.Server, error) {
	var srv conn.Server
	err := s.Retry.Do(ctx, func(ctx context.Context) error {
		var err error
		srv, err = client.Detect(ctx)
		return err
	}, nil)
	if err != nil {
		return srv, fmt.Errorf("reaching %v: %w", s.Conn.URLs, err)
	}
	if srv.Flavor != s.flavor {
		return srv, fmt.Errorf("sink.type is %s but %v runs %s: set sink.type to match", string(s.flavor), s.Conn.URLs, srv)
	}
	return srv, nil
}

// ensureStateIndices creates the state index (checkpoints and leases), and
// the dead-letter index when one is configured, through the sink's client.
func (s *Section) ensureStateIndices(ctx context.Context, client *conn.Client, log *slog.Logger) error {
	leases, err := state.NewLeaseStore(client, s.State)
	if err == nil {
		err = leases.EnsureIndex(ctx) // also adds the lease fields to an older index
	}
	if err != nil {
		return fmt.Errorf("creating the state index %s: %w", s.State.StateIndex, err)
	}
	if s.State.DeadLetterIndex == "" {
		return nil
	}
	dl, err := state.NewDeadLetterIndex(client, s.State, log)
	if err == nil {
		err = dl.EnsureIndex(ctx)
	}
	if err != nil {
		return fmt.Errorf("creating the dead-letter index %s: %w", s.State.DeadLetterIndex, err)
	}
	return nil
}

// applyRetention deletes the indices whose events are all older than the
// retention, once sink has met the cluster. Failures are logged: the next
// call retries.
func (s *Section) applyRetention(ctx context.Context, sink *Sink, log *slog.Logger) {
	client := sink.Client()
	srv, ok := client.Server()
	if !ok {
		var err error
		if srv, err = client.Detect(ctx); err != nil {
			log.Warn("retention skipped: cluster unreachable", "err", err)
			return
		}
	}
	rep, err := templates.ApplyRetention(ctx, client, srv, sink.Layout(), s.Templates, time.Now())
	if err != nil {
		log.Warn("applying retention failed; retried later", "err", err)
		return
	}
	if len(rep.Deleted) > 0 {
		log.Info("retention: deleted indices past the retention", "retention", s.Templates.Retention, "indices", rep.Deleted)
	}
}
