package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/sinks/file"
)

func runCommand(inv *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [flags]",
		Short: "ingest continuously (or one pass with --once)",
		Long: `Keeps every configured workspace up to date: every pipeline.poll_interval it fetches from the
end of what is stored (minus pipeline.overlap) to now minus pipeline.lag. SIGINT/SIGTERM stop
it cleanly.`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	var f runFlags
	f.common.register(cmd, true)
	f.series.register(cmd)
	fs := cmd.Flags()
	fs.BoolVar(&f.once, "once", false, "make one pass over every series and exit (for cron jobs)")
	fs.StringVar(&f.listen, "listen", "", "serve /metrics and /healthz on this `address` (e.g. :9090; overrides listen)")
	cmd.RunE = inv.action(f.run)
	return cmd
}

// runFlags are run's flags, set by parsing.
type runFlags struct {
	common commonFlags
	series seriesFlags
	once   bool
	listen string
}

func (f *runFlags) run(ctx context.Context, io stdio, environ, _ []string) int {
	c, sf := &f.common, &f.series
	var over map[string]any
	if f.listen != "" {
		over = map[string]any{"listen": f.listen}
	}
	cfg, log, ok := c.load(io, environ, over, true)
	if !ok {
		return exitUsage
	}
	if err := sf.apply(&cfg); err != nil {
		fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
		return exitUsage
	}
	if fc, isFile := cfg.Sink.Selected().(*file.Config); isFile && !f.once {
		// One service run per data directory: a second would fetch
		// everything from Atlas again (checkpoints shared, rate limit
		// shared). One-shot passes (--once, from cron) may overlap: the
		// file sink keeps their data single.
		release, err := file.ClaimRunner(ctx, fc.Path)
		if err != nil {
			fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
			return exitUsage
		}
		defer func() { _ = release() }()
	}
	m := newMetrics()
	if cfg.Listen != "" {
		if err := m.serve(ctx, cfg.Listen, log); err != nil {
			fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
			return exitUsage
		}
	}
	job, code, ok := startAtlasJob(ctx, io, "run", cfg, log, m)
	if !ok {
		return code
	}
	defer job.close(ctx)
	client, out := job.client, job.out
	eng, err := newEngine(cfg, client, out, log, m, nil)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
		return exitUsage
	}
	var share *ingest.Sharing
	if !f.once {
		if share, err = leaseSharing(ctx, cfg, out, m, log); err != nil {
			fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
			return exitUsage
		}
		upkeepPeriodically(ctx, out)
	}
	sum, discErrs := followProjects(ctx, eng, client, cfg, log, f.once, share)
	if f.once {
		upkeep(ctx, out)
	}
	return finishWithDiscovery(ctx, io, "run", sum, out, c.report, discErrs, !f.once)
}
