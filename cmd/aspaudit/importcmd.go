package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sources/files"
)

func importCommand(inv *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import [flags] FILE.gz|DIR...",
		Short: "store audit-log (or operational-log) archives downloaded before (.gz)",
		Long: `Stores audit-log archives downloaded before (Atlas CLI or API names:
<workspace>_<start>_<end>_audit.log.gz), or with --log-type operational operational-log
archives (<workspace>_<start>_<end>_operational.log.gz). Each file is one window, named
after its time range; re-importing stores nothing twice. A directory stands for the
archives in it.`,
		ValidArgsFunction: cobra.FixedCompletions([]cobra.Completion{"gz"}, cobra.ShellCompDirectiveFilterFileExt),
	}
	var f importFlags
	f.common.register(cmd, true)
	fs := cmd.Flags()
	fs.StringVar(&f.project, "project", "", "Atlas project `id` the archives belong to (24 hex digits; default: the only project of atlas.projects)")
	fs.StringVar(&f.workspace, "workspace", "", "workspace `name` of every archive (default: read from each file name)")
	fs.StringVar(&f.logType, "log-type", "audit", "the log the archives hold: audit or operational")
	cmd.RunE = inv.action(f.run)
	return cmd
}

// importFlags are import's flags, set by parsing.
type importFlags struct {
	common    commonFlags
	project   string
	workspace string
	logType   string
}

func (f *importFlags) run(ctx context.Context, io stdio, environ, args []string) int {
	c := &f.common
	if len(args) == 0 {
		fmt.Fprintln(io.err, "aspaudit import: no archive given: name one or more .gz files or directories")
		return exitUsage
	}
	prog := newProgress(io.err, "import")
	cfg, log, ok := c.load(io, environ, nil, false, prog)
	if !ok {
		return exitUsage
	}
	logType, err := pipeline.ParseLogType(f.logType)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit import: --log-type: %v\n", err)
		return exitUsage
	}
	projectID, known, err := importProject(f.project, cfg.Atlas.Projects)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit import: %v\n", err)
		return exitUsage
	}
	archives, err := files.Find(files.NameRule{ProjectID: projectID, Workspace: f.workspace, Known: known, LogType: logType}, args...)
	if err != nil {
		printErrors(io.err, "cannot import (nothing was done)", err)
		return exitUsage
	}
	out, err := openOutputs(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit import: %v\n", err)
		return exitIncomplete
	}
	src := files.NewSource(archives)
	eng, err := newEngine(cfg, src, out, log, nil, prog.update)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit import: %v\n", err)
		return exitUsage
	}
	log.Info("importing", "archives", len(archives), "project", projectID, "sink", out.Where)
	sum, err := eng.Windows(ctx, src.Windows(), true)
	prog.done()
	upkeep(ctx, out)
	if cerr := out.Close(context.WithoutCancel(ctx)); cerr != nil {
		log.Error("closing the outputs", "err", cerr)
		sum.Failed++
	}
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit import: %v\n", err)
		return exitIncomplete
	}
	return finish(io, "import", sum, out.DeadLetter.Where(), c.report, false)
}

// importProject picks the project of the archives: the flag, else the one
// project configured. known lists the configured workspaces, which settle
// ambiguous file names.
func importProject(flagValue string, projects []ProjectConfig) (string, []string, error) {
	id := flagValue
	if id == "" {
		if len(projects) != 1 {
			return "", nil, fmt.Errorf("--project is required: archive names do not carry the project id (configured projects: %d)", len(projects))
		}
		id = projects[0].ID
	}
	if err := checkProjectFlag(id); err != nil {
		return "", nil, err
	}
	var known []string
	for _, p := range projects {
		if p.ID == id {
			known = append(known, p.Workspaces...)
		}
	}
	return id, known, nil
}
