package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks"
	"github.com/aspaudit/aspaudit/sinks/dashboards"
	"github.com/aspaudit/aspaudit/sinks/search"
)

func setupCommand(inv *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "setup [flags]",
		Short: "install index templates, retention policy and dashboards",
		Long: `Installs what the search backend needs (index template, retention policy where the backend
has one, state indices) and imports the Kibana / OpenSearch Dashboards saved objects when
kibana.url or dashboards.url is set. Safe to run again: it overwrites its own objects.
With --export FILE it also writes those saved objects, adapted to the index prefix, to FILE
(and, when the operational log is fetched, its objects to FILE-operational)
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
	if sec := cfg.Sink.Selected(); sec != nil {
		inst, err := sec.Setup(ctx, sinks.SetupRequest{Out: io.err, Log: log, LogTypes: fetchedLogs(cfg)})
		if err != nil {
			errs = append(errs, err)
		} else if inst.OpenSearch {
			flavor = dashboards.OpenSearchDashboards
		}
	}
	errs = append(errs, setupDashboards(ctx, io, cfg, flavor, f.export, log)...)
	if err := errors.Join(errs...); err != nil {
		printErrors(io.err, "setup incomplete", err)
		return exitIncomplete
	}
	return exitOK
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
	opsFile := ""
	if exportFile != "" {
		var err error
		if opsFile, err = writeExports(io, cfg, flavor, exportFile); err != nil {
			return append(errs, err)
		}
		where = exportFile
	}
	if !imported {
		fmt.Fprintln(io.err, dashboards.ManualInstructions(flavor, where))
		if opsFile != "" {
			fmt.Fprintf(io.err, "The operational log's objects are in %s: import that file the same way.\n", opsFile)
		}
		if cfg.Kibana.SecuritySolution {
			fmt.Fprintln(io.err, "kibana.security_solution: needs kibana.url; add "+indexPattern(cfg, pipeline.AuditLog)+" to Stack Management > Advanced settings > Security Solution > Elasticsearch indices by hand")
		}
	}
	return errs
}

// writeExports writes the audit log's saved objects to file and, when the
// operational log is fetched, its objects beside it
// (dashboards.OperationalExportPath), each adapted to its index pattern.
// It returns the operational file's path, or "".
func writeExports(io stdio, cfg configs.Config, f dashboards.Flavor, file string) (string, error) {
	exports := []struct {
		log     pipeline.LogType
		path    string
		objects func(string) ([]byte, error)
	}{
		{pipeline.AuditLog, file, f.SavedObjectsFor},
		{pipeline.OperationalLog, dashboards.OperationalExportPath(file), f.OperationalSavedObjectsFor},
	}
	opsFile := ""
	for _, x := range exports {
		if x.log != pipeline.AuditLog && !fetchesLog(cfg, x.log) {
			continue
		}
		pattern := indexPattern(cfg, x.log)
		export, err := x.objects(pattern)
		if err == nil {
			err = dashboards.WriteExport(f, export, x.path)
		}
		if err != nil {
			return "", err
		}
		fmt.Fprintf(io.err, "%s saved objects for %s written to %s\n", f, pattern, x.path)
		if x.log == pipeline.OperationalLog {
			opsFile = x.path
		}
	}
	return opsFile, nil
}

func importSavedObjects(ctx context.Context, io stdio, cfg configs.Config, dc dashboards.Config, f dashboards.Flavor, log *slog.Logger, opts ...dashboards.Option) error {
	export, err := f.SavedObjectsFor(indexPattern(cfg, pipeline.AuditLog))
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
		pattern := indexPattern(cfg, pipeline.OperationalLog)
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
		return addSecurityIndices(ctx, io, im, indexPattern(cfg, pipeline.AuditLog))
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

// indexPattern is where the configured sink puts events of log type t,
// for the saved objects; the shipped objects' pattern when the sink has no
// indices.
func indexPattern(cfg configs.Config, t pipeline.LogType) string {
	if ix, ok := cfg.Sink.Selected().(sinks.Indexed); ok {
		return ix.IndexPattern(t)
	}
	return search.DefaultIndexPattern(t)
}
