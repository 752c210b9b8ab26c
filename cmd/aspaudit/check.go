package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/sinks"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// checker collects what `aspaudit check` finds.
type checker struct {
	io       stdio
	problems []string
}

var _ sinks.Reporter = (*checker)(nil)

// OK prints a line that is fine.
func (c *checker) OK(format string, args ...any) {
	fmt.Fprintf(c.io.err, "  ok       "+format+"\n", args...)
}

// Note prints a line worth knowing that is no problem.
func (c *checker) Note(format string, args ...any) {
	fmt.Fprintf(c.io.err, "  note     "+format+"\n", args...)
}

// Problem prints and records a problem: check then fails.
func (c *checker) Problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.problems = append(c.problems, msg)
	fmt.Fprintf(c.io.err, "  PROBLEM  %s\n", msg)
}

func checkCommand(inv *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check [flags]",
		Short: "validate config, credentials, workspaces and the sink",
		Long: `Validates the configuration, authenticates with Atlas, resolves every workspace, reaches the
sink and reports what is missing there. Changes nothing. Exits 1 listing every problem found.`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	var f checkFlags
	f.common.register(cmd, false)
	f.series.register(cmd)
	cmd.RunE = inv.action(f.run)
	return cmd
}

// checkFlags are check's flags, set by parsing.
type checkFlags struct {
	common commonFlags
	series seriesFlags
}

func (f *checkFlags) run(ctx context.Context, io stdio, environ, _ []string) int {
	c, sf := &f.common, &f.series
	cfg, log, ok := c.load(io, environ, nil, true)
	if !ok {
		return exitUsage
	}
	if err := sf.apply(&cfg); err != nil {
		fmt.Fprintf(io.err, "aspaudit check: %v\n", err)
		return exitUsage
	}
	ck := &checker{io: io}
	fmt.Fprintf(io.err, "configuration: valid; file: %s\n", c.file)
	fmt.Fprintf(io.err, "atlas: %s with a %s\n", cfg.Atlas.BaseURL, cfg.Atlas.CredentialKind())
	probes := cfg
	probes.Atlas = cfg.Atlas.ForProbes()
	client, err := newAtlas(probes, log, nil)
	if err != nil {
		ck.Problem("atlas: %v", err)
	} else {
		defer client.Close()
		actx, cancel := context.WithTimeout(ctx, checkAtlasTimeout)
		ck.checkAtlas(actx, client, cfg)
		cancel()
	}
	fmt.Fprintf(io.err, "sink: %s\n", cfg.Sink.Type)
	sctx, cancel := context.WithTimeout(ctx, checkSinkTimeout)
	defer cancel()
	ck.checkSink(sctx, cfg)
	if len(ck.problems) > 0 {
		fmt.Fprintf(io.err, "\n%d problem(s) found:\n", len(ck.problems))
		for _, p := range ck.problems {
			fmt.Fprintf(io.err, "  - %s\n", p)
		}
		return exitIncomplete
	}
	fmt.Fprintln(io.err, "\nno problem found")
	return exitOK
}

// check's bounds: one attempt per probe, and the whole command within
// about 25 seconds however unreachable Atlas or the cluster is.
const (
	checkAtlasTimeout = 12 * time.Second
	checkSinkTimeout  = 12 * time.Second
)

// checkAtlas authenticates, resolves the workspaces of every project and
// proves the download role with a one-second window per project.
func (c *checker) checkAtlas(ctx context.Context, client *atlas.Client, cfg configs.Config) {
	projects := c.checkDiscovery(ctx, client, cfg)
	workspaces := 0
	for i, r := range client.Probe(ctx, projects, time.Now()) {
		p := projects[i]
		if r.ListErr != nil {
			c.Problem("project %s: %s%s", p.ID, workspacesProblem(r.ListErr, p), unanswered(ctx))
			continue
		}
		workspaces += len(r.Workspaces)
		if p.Discovered && len(r.Workspaces) == 0 {
			c.OK("project %s: authenticated, no stream processing workspace (listed again hourly by run)", p.ID)
			continue
		}
		c.OK("project %s: authenticated, %d workspace(s): %s", p.ID, len(r.Workspaces), strings.Join(r.Workspaces, ", "))
		for _, w := range p.Workspaces {
			if !slices.Contains(r.Workspaces, w) {
				c.Problem("project %s: workspace %q does not exist (found: %s): check atlas.projects[].workspaces", p.ID, w, strings.Join(r.Workspaces, ", "))
			}
		}
		switch {
		case len(r.Workspaces) == 0 && len(p.Workspaces) == 0:
			c.Problem("project %s: has no stream processing workspace, nothing to fetch", p.ID)
		case r.Downloaded == "":
		case r.DownloadErr != nil:
			c.Problem("project %s: the credentials list workspaces but downloading one second of %q's audit log failed: %v%s", p.ID, r.Downloaded, r.DownloadErr, unanswered(ctx))
		default:
			c.OK("project %s: downloaded one second of %q's audit log: the role may download logs", p.ID, r.Downloaded)
		}
	}
	if cfg.Atlas.Discovers() {
		c.OK("atlas: %d project(s) followed, %d workspace(s) found", len(projects), workspaces)
	}
}

// unanswered explains an error that came from check's own time bound.
func unanswered(ctx context.Context) string {
	if ctx.Err() != nil {
		return fmt.Sprintf(" (no answer within %s: check the address and the network path to Atlas)", checkAtlasTimeout)
	}
	return ""
}

// checkSink reaches the configured sink and reports what it lacks.
func (c *checker) checkSink(ctx context.Context, cfg configs.Config) {
	sec := cfg.Sink.Selected()
	if sec == nil {
		c.Problem("sink.type %q is not registered", cfg.Sink.Type)
		return
	}
	sec.Check(ctx, c, fetchedLogs(cfg))
}
