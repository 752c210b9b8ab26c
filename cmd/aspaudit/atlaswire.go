package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/sinks"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// seriesFlags are the flags that narrow what to fetch.
type seriesFlags struct {
	project    string
	workspaces []string
	processor  string
}

func (f *seriesFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.project, "project", "", "Atlas project `id` to fetch (replaces atlas.projects)")
	fs.StringArrayVar(&f.workspaces, "workspace", nil, "workspace `name` to fetch (repeatable; default: every workspace of the project)")
	fs.StringVar(&f.processor, "processor", "", "fetch only this stream processor's `name`")
}

// apply narrows the configured projects: --project replaces them;
// --workspace and --processor narrow the one configured project (or the
// one given). It fails when nothing is left to fetch.
func (f *seriesFlags) apply(cfg *configs.Config) error {
	var procs []string
	if f.processor != "" {
		procs = []string{f.processor}
	}
	switch {
	case f.project != "":
		if err := checkProjectFlag(f.project); err != nil {
			return err
		}
		cfg.Atlas.Projects = []ProjectConfig{{ID: f.project, Workspaces: f.workspaces, Processors: procs, LogTypes: cfg.Atlas.LogTypes}}
	case len(f.workspaces) > 0 || f.processor != "":
		if len(cfg.Atlas.Projects) != 1 {
			return fmt.Errorf("--workspace and --processor need --project when the configuration lists %d projects", len(cfg.Atlas.Projects))
		}
		p := &cfg.Atlas.Projects[0]
		if len(f.workspaces) > 0 {
			p.Workspaces = f.workspaces
		}
		if procs != nil {
			p.Processors = procs
		}
	}
	if len(cfg.Atlas.Projects) == 0 && !cfg.Atlas.Discovers() {
		return fmt.Errorf("no Atlas project to fetch: list them in atlas.projects (or ASPAUDIT_ATLAS__PROJECTS), or atlas.organizations, or pass --project")
	}
	return nil
}

// newAtlas builds the Atlas client with request metrics.
func newAtlas(cfg configs.Config, log *slog.Logger, m *metrics) (*atlas.Client, error) {
	opts := atlas.Options{Logger: log, UserAgent: "aspaudit/" + version}
	if m != nil {
		opts.OnResponse = m.atlasResponse
	}
	return atlas.New(cfg.Atlas, opts)
}

// atlasJob is what backfill and run share: an Atlas client and the outputs.
type atlasJob struct {
	client *atlas.Client
	out    *sinks.Outputs
}

// startAtlasJob builds the Atlas client and opens the outputs. On failure
// it prints why and returns the exit code.
func startAtlasJob(ctx context.Context, io stdio, cmd string, cfg configs.Config, log *slog.Logger, m *metrics) (*atlasJob, int, bool) {
	client, err := newAtlas(cfg, log, m)
	if err != nil {
		printErrors(io.err, "configuration problems (nothing was done)", err)
		return nil, exitUsage, false
	}
	out, err := openOutputs(ctx, cfg, log)
	if err != nil {
		client.Close()
		fmt.Fprintf(io.err, "aspaudit %s: %v\n", cmd, err)
		return nil, exitIncomplete, false
	}
	return &atlasJob{client: client, out: out}, 0, true
}

// close releases the client and the outputs (idempotent).
func (j *atlasJob) close(ctx context.Context) {
	_ = j.out.Close(context.WithoutCancel(ctx))
	j.client.Close()
}
