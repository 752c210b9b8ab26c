package main

import (
	"context"
	"flag"
	"fmt"
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
	if !*once {
		out.retainPeriodically(ctx, cfg, log)
	}
	sum, discErrs := followProjects(ctx, eng, client, cfg, log, *once)
	if *once {
		out.applyRetention(ctx, cfg, log)
	}
	return finishWithDiscovery(ctx, io, "run", sum, out, c.report, discErrs, !*once)
}
