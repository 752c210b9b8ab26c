package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/dashboards"
	"github.com/aspaudit/aspaudit/sinks/search"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/state"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

func setupCommand(inv *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "setup [flags]",
		Short: "install index templates, retention policy and dashboards",
		Long: `Installs what the search backend needs (index template, retention policy where the backend
has one, state indices) and imports the Kibana / OpenSearch Dashboards saved objects when
kibana.url or dashboards.url is set. Safe to run again: it overwrites its own objects.
With --export FILE it also writes those saved objects, adapted to the index prefix, to FILE
for a manual import.`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	var f setupFlags
	f.common.register(cmd, false)
	cmd.Flags().StringVar(&f.export, "export", "", "also write the Kibana (for OpenSearch, OpenSearch Dashboards) saved objects, adapted to the index prefix, to this `file` for a manual import")
	cmd.RunE = inv.action(f.run)
	return cmd
}

// setupFlags are setup's flags, set by parsing.
type setupFlags struct {
	common commonFlags
	export string
}

func (f *setupFlags) run(ctx context.Context, io stdio, environ, _ []string) int {
	c := &f.common
	cfg, log, ok := c.load(io, environ, nil, false)
	if !ok {
		return exitUsage
	}
	var errs []error
	flavor := dashboards.Kibana
	if cfg.UsesSearch() {
		srv, err := setupSearch(ctx, io, cfg, log)
		if err != nil {
			errs = append(errs, err)
		} else if srv.Flavor == conn.OpenSearch {
			flavor = dashboards.OpenSearchDashboards
		}
	} else {
		fmt.Fprintf(io.err, "sink: NDJSON files under %s: nothing to install\n", cfg.Sink.File.Path)
	}
	errs = append(errs, setupDashboards(ctx, io, cfg, flavor, f.export, log)...)
	if err := errors.Join(errs...); err != nil {
		printErrors(io.err, "setup incomplete", err)
		return exitIncomplete
	}
	return exitOK
}

// setupSearch installs the index template, the retention policy and the
// state indices, then applies retention once.
func setupSearch(ctx context.Context, io stdio, cfg configs.Config, log *slog.Logger) (conn.Server, error) {
	sink, err := search.New(cfg.Sink.Search, log)
	if err != nil {
		return conn.Server{}, fmt.Errorf("configuring the %s sink: %w", cfg.Sink.Type, err)
	}
	defer func() { _ = sink.Close(context.WithoutCancel(ctx)) }()
	client := sink.Client()
	srv, err := detect(ctx, client, cfg)
	if err != nil {
		return srv, err
	}
	fmt.Fprintf(io.err, "sink: %s at %v\n", srv, cfg.Sink.Search.Conn.URLs)
	for _, t := range pipeline.LogTypes {
		if t != pipeline.AuditLog && !fetchesLog(cfg, t) {
			continue
		}
		var rep templates.Report
		err = cfg.Sink.Search.Retry.Do(ctx, func(ctx context.Context) error {
			rep, err = templates.Install(ctx, client, srv, sink.LayoutOf(t), cfg.Sink.Search.Templates)
			return err
		}, nil)
		if err != nil {
			return srv, fmt.Errorf("installing the index template of the %s log: %w", t.Name(), err)
		}
		for _, l := range rep.Lines() {
			fmt.Fprintln(io.err, "  "+l)
		}
	}
	if err := ensureStateIndices(ctx, client, cfg, log); err != nil {
		return srv, err
	}
	fmt.Fprintf(io.err, "  state index %s ready\n", cfg.Sink.State.StateIndex)
	ret, err := templates.ApplyRetention(ctx, client, srv, sink.Layout(), cfg.Sink.Search.Templates, time.Now())
	if err != nil {
		return srv, fmt.Errorf("applying retention: %w", err)
	}
	if len(ret.Deleted) > 0 {
		fmt.Fprintf(io.err, "  retention: deleted %d indices older than %s: %v\n", len(ret.Deleted), cfg.Sink.Search.Templates.Retention, ret.Deleted)
	}
	return srv, nil
}

// detect finds what the cluster runs and warns when it is not the
// configured kind.
func detect(ctx context.Context, client *conn.Client, cfg configs.Config) (conn.Server, error) {
	var srv conn.Server
	err := cfg.Sink.Search.Retry.Do(ctx, func(ctx context.Context) error {
		var err error
		srv, err = client.Detect(ctx)
		return err
	}, nil)
	if err != nil {
		return srv, fmt.Errorf("reaching %v: %w", cfg.Sink.Search.Conn.URLs, err)
	}
	want := conn.Elasticsearch
	if cfg.Sink.Type == configs.SinkOpenSearch {
		want = conn.OpenSearch
	}
	if srv.Flavor != want {
		return srv, fmt.Errorf("sink.type is %s but %v runs %s: set sink.type to match", cfg.Sink.Type, cfg.Sink.Search.Conn.URLs, srv)
	}
	return srv, nil
}

// ensureStateIndices creates the checkpoint index, and the dead-letter
// index when one is configured, through the sink's client.
func ensureStateIndices(ctx context.Context, client *conn.Client, cfg configs.Config, log *slog.Logger) error {
	cp, err := state.NewCheckpointStore(client, cfg.Sink.State, log)
	if err == nil {
		err = cp.EnsureIndex(ctx)
	}
	if err != nil {
		return fmt.Errorf("creating the state index %s: %w", cfg.Sink.State.StateIndex, err)
	}
	if cfg.Sink.State.DeadLetterIndex == "" {
		return nil
	}
	dl, err := state.NewDeadLetterIndex(client, cfg.Sink.State, log)
	if err == nil {
		err = dl.EnsureIndex(ctx)
	}
	if err != nil {
		return fmt.Errorf("creating the dead-letter index %s: %w", cfg.Sink.State.DeadLetterIndex, err)
	}
	return nil
}

// setupDashboards imports the saved objects into Kibana and/or OpenSearch
// Dashboards, or says how to do it by hand.
func setupDashboards(ctx context.Context, io stdio, cfg configs.Config, flavor dashboards.Flavor, exportFile string, log *slog.Logger) []error {
	targets := []struct {
		cfg    dashboards.Config
		flavor dashboards.Flavor
		opts   []dashboards.Option
	}{
		{cfg.Kibana, dashboards.Kibana, nil},
		{cfg.Dashboards.Config, dashboards.OpenSearchDashboards, []dashboards.Option{dashboards.SignWithAWS(cfg.Dashboards.AWS)}},
	}
	var errs []error
	imported := false
	for _, t := range targets {
		if t.cfg.URL == "" {
			continue
		}
		imported = true
		if err := importSavedObjects(ctx, io, cfg, t.cfg, t.flavor, log, t.opts...); err != nil {
			errs = append(errs, err)
		}
	}
	where := flavor.ExportPath()
	if exportFile != "" {
		if err := dashboards.WriteExport(flavor, search.IndexPattern(cfg.Sink.Search.IndexPrefix), exportFile); err != nil {
			return append(errs, err)
		}
		fmt.Fprintf(io.err, "%s saved objects for %s written to %s\n", flavor, search.IndexPattern(cfg.Sink.Search.IndexPrefix), exportFile)
		where = exportFile
	}
	if !imported {
		fmt.Fprintln(io.err, dashboards.ManualInstructions(flavor, where))
		if cfg.Kibana.SecuritySolution {
			fmt.Fprintln(io.err, "kibana.security_solution: needs kibana.url; add "+search.IndexPattern(cfg.Sink.Search.IndexPrefix)+" to Stack Management > Advanced settings > Security Solution > Elasticsearch indices by hand")
		}
	}
	return errs
}

func importSavedObjects(ctx context.Context, io stdio, cfg configs.Config, dc dashboards.Config, f dashboards.Flavor, log *slog.Logger, opts ...dashboards.Option) error {
	export, err := f.SavedObjectsFor(search.IndexPattern(cfg.Sink.Search.IndexPrefix))
	if err != nil {
		return err
	}
	im, err := dashboards.New(dc, f, log, opts...)
	if err != nil {
		return fmt.Errorf("%s: %w", f, err)
	}
	res, err := im.Import(ctx, export)
	if err != nil {
		return fmt.Errorf("importing the saved objects into %s at %s: %w", f, dc.URL, err)
	}
	fmt.Fprintf(io.err, "%s at %s: imported %d of %d saved objects (data view, searches, dashboard)\n", f, dc.URL, res.Imported, res.Objects)
	if fetchesLog(cfg, pipeline.OperationalLog) {
		pattern := search.IndexPattern(cfg.Sink.Search.PrefixOf(pipeline.OperationalLog))
		ops, err := f.OperationalSavedObjectsFor(pattern)
		if err != nil {
			return err
		}
		res, err := im.Import(ctx, ops)
		if err != nil {
			return fmt.Errorf("importing the operational log's saved objects into %s at %s: %w", f, dc.URL, err)
		}
		fmt.Fprintf(io.err, "%s at %s: imported %d of %d operational-log saved objects (data view %s, searches, dashboard)\n", f, dc.URL, res.Imported, res.Objects, pattern)
	}
	if f == dashboards.Kibana && dc.SecuritySolution {
		return addSecurityIndices(ctx, io, im, search.IndexPattern(cfg.Sink.Search.IndexPrefix))
	}
	return nil
}

// addSecurityIndices lets Elastic Security see aspaudit's indices
// (kibana.security_solution).
func addSecurityIndices(ctx context.Context, io stdio, im *dashboards.Importer, pattern string) error {
	added, err := im.AddSecurityIndices(ctx, pattern)
	if err != nil {
		return err
	}
	state := "already listed"
	if added {
		state = "added"
	}
	fmt.Fprintf(io.err, "Kibana %s: %s %s\n", dashboards.SecurityIndexSetting, pattern, state)
	return nil
}
