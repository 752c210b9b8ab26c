package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"sync"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

func runContinuous(ctx context.Context, io stdio, environ, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c commonFlags
	var sf seriesFlags
	c.register(fs, true)
	sf.register(fs)
	once := fs.Bool("once", false, "make one pass over every series and exit (for cron jobs)")
	listen := fs.String("listen", "", "serve /metrics and /healthz on this `address` (e.g. :9090; overrides listen)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: aspaudit run [--config FILE] [--once] [--listen ADDR]\n\nKeeps every configured workspace up to date: every pipeline.poll_interval it fetches from the end of\nwhat is stored (minus pipeline.overlap) to now minus pipeline.lag. SIGINT/SIGTERM stop it cleanly.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, io.err); done {
		return code
	}
	var over map[string]any
	if *listen != "" {
		over = map[string]any{"listen": *listen}
	}
	cfg, log, ok := c.load(io, environ, over, true)
	if !ok {
		return exitUsage
	}
	if err := sf.apply(&cfg); err != nil {
		fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
		return exitUsage
	}
	m := newMetrics()
	if cfg.Listen != "" {
		if err := m.serve(ctx, cfg.Listen, log); err != nil {
			fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
			return exitUsage
		}
	}
	client, err := newAtlas(cfg, log, m)
	if err != nil {
		printErrors(io.err, "configuration problems (nothing was done)", err)
		return exitUsage
	}
	defer client.Close()
	out, err := openOutputs(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
		return exitIncomplete
	}
	defer func() { _ = out.close(context.WithoutCancel(ctx)) }()
	eng, err := newEngine(cfg, client, out, log, m, nil)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit run: %v\n", err)
		return exitUsage
	}
	sum, discErrs := followProjects(ctx, eng, client, cfg, log, *once)
	return finishWithDiscovery(io, "run", sum, out, c.report, discErrs, true)
}

// followProjects runs continuous ingestion for each project on its own,
// so that a project whose discovery fails (retried with backoff) never
// holds the others. With once, a project whose discovery fails is
// reported; otherwise its discovery is retried until ctx ends.
func followProjects(ctx context.Context, eng *ingest.Engine, client *atlas.Client, cfg configs.Config, log *slog.Logger, once bool) (ingest.Summary, []error) {
	var (
		mu    sync.Mutex
		total ingest.Summary
		errs  []error
		wg    sync.WaitGroup
	)
	for _, p := range cfg.Atlas.Projects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			series, err := discoverProject(ctx, client, cfg, p, log, once)
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			sum, err := eng.Continuous(ctx, series, once)
			mu.Lock()
			defer mu.Unlock()
			addSummary(&total, sum)
			if err != nil {
				errs = append(errs, fmt.Errorf("project %s: %w", p.ID, err))
			}
		}()
	}
	wg.Wait()
	return total, errs
}

// addSummary accumulates one project's summary into the run's.
func addSummary(total *ingest.Summary, s ingest.Summary) {
	total.Planned += s.Planned
	total.Done += s.Done
	total.Failed += s.Failed
	total.Canceled += s.Canceled
	total.Stats.Add(s.Stats)
	if s.Elapsed > total.Elapsed {
		total.Elapsed = s.Elapsed
	}
	total.Failures = append(total.Failures, s.Failures...)
	total.Stopped = total.Stopped || s.Stopped
}
