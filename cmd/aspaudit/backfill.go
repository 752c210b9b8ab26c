package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/sinks"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

func backfillCommand(inv *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backfill --from T [--to T] [flags]",
		Short: "fetch and store a past time range, skipping ranges already stored",
		Long: `Fetches and stores a past time range for every configured workspace, in windows of
pipeline.window, skipping the ranges already stored.

Times are RFC 3339 (2026-11-01T06:00:00Z), a date (2026-11-01, UTC midnight) or a
duration before now (72h, 30d, 2w).`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	var f backfillFlags
	f.common.register(cmd, true)
	f.series.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&f.from, "from", "", "start `time`: RFC 3339, a date (2026-11-01, UTC) or a duration before now (72h, 30d); required")
	fs.StringVar(&f.to, "to", "now", "end `time` (exclusive), same forms as --from; clamped to now minus pipeline.lag")
	fs.BoolVar(&f.force, "force", false, "fetch ranges already stored too (ids keep events from doubling)")
	cmd.RunE = inv.action(f.run)
	return cmd
}

// backfillFlags are backfill's flags, set by parsing.
type backfillFlags struct {
	common   commonFlags
	series   seriesFlags
	from, to string
	force    bool
}

func (f *backfillFlags) run(ctx context.Context, io stdio, environ, _ []string) int {
	c, sf := &f.common, &f.series
	now := time.Now()
	rg, err := parseRange(f.from, f.to, now)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit backfill: %v\n", err)
		return exitUsage
	}
	prog := newProgress(io.err, "backfill")
	cfg, log, ok := c.load(io, environ, nil, true, prog)
	if !ok {
		return exitUsage
	}
	if err := sf.apply(&cfg); err != nil {
		fmt.Fprintf(io.err, "aspaudit backfill: %v\n", err)
		return exitUsage
	}
	job, code, ok := startAtlasJob(ctx, io, "backfill", cfg, log, nil)
	if !ok {
		return code
	}
	defer job.close(ctx)
	client, out := job.client, job.out
	rg = clampToRetention(rg, out.Retention, now, log)
	listErrs := expandProjects(ctx, client, &cfg, log)
	// Named workspaces are checked once up front: a misspelt one would
	// otherwise fail every one of its windows with the same 404.
	if err := atlas.CheckNames(ctx, client, cfg.Atlas.Projects); err != nil {
		printErrors(io.err, "backfill: nothing was fetched", err)
		if pipeline.IsPermanent(err) {
			return exitUsage
		}
		return exitIncomplete
	}
	eng, err := newEngine(cfg, client, out, log, nil, prog.update)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit backfill: %v\n", err)
		return exitUsage
	}
	series, discErrs := eng.Discover(ctx, projectGroups(client, cfg.Atlas.Projects), discovery(cfg))
	var sum ingest.Summary
	if len(series) > 0 {
		sum, err = eng.Backfill(ctx, ingest.BackfillRequest{Series: series, Range: rg, Force: f.force})
		prog.done()
		if err != nil {
			fmt.Fprintf(io.err, "aspaudit backfill: %v\n", err)
			return exitUsage
		}
	}
	upkeep(ctx, out)
	return finishWithDiscovery(ctx, io, "backfill", sum, out, c.report, append(listErrs, discErrs...), false)
}

// finishWithDiscovery reports like finish, counting projects whose
// workspaces could not be discovered as incomplete work. The outputs are
// closed even when ctx has ended (a stopped run still flushes).
func finishWithDiscovery(ctx context.Context, io stdio, cmd string, sum ingest.Summary, out *sinks.Outputs, format string, discErrs []error, service bool) int {
	if cerr := out.Close(context.WithoutCancel(ctx)); cerr != nil {
		fmt.Fprintf(io.err, "aspaudit %s: closing the outputs: %v\n", cmd, cerr)
		sum.Failed++
	}
	for _, e := range discErrs {
		fmt.Fprintf(io.err, "aspaudit %s: workspace discovery failed, nothing fetched for %v\n", cmd, e)
	}
	return finish(io, cmd, sum, out.DeadLetter.Where(), format, service, discErrs...)
}

// parseRange reads --from and --to.
func parseRange(from, to string, now time.Time) (pipeline.Range, error) {
	if from == "" {
		return pipeline.Range{}, fmt.Errorf("--from is required (for example --from 30d, or --from 2026-11-01)")
	}
	start, err := parseTimeArg(from, now)
	if err != nil {
		return pipeline.Range{}, fmt.Errorf("--from: %w", err)
	}
	end, err := parseTimeArg(to, now)
	if err != nil {
		return pipeline.Range{}, fmt.Errorf("--to: %w", err)
	}
	if !start.Before(end) {
		return pipeline.Range{}, fmt.Errorf("--from %s is not before --to %s", start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	return pipeline.Range{Start: start, End: end}, nil
}

// clampToRetention starts a backfill no earlier than the sink's retention
// allows: older events would be deleted at the next sweep.
func clampToRetention(rg pipeline.Range, ret time.Duration, now time.Time, log *slog.Logger) pipeline.Range {
	if ret <= 0 {
		return rg
	}
	if oldest := now.Add(-ret); rg.Start.Before(oldest) {
		log.Warn("backfill starts at the retention limit: older events would be deleted at once",
			"from", rg.Start, "now_from", oldest, "retention", ret)
		rg.Start = oldest
	}
	return rg
}
