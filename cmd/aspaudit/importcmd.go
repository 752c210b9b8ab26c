package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/aspaudit/aspaudit/sources/files"
)

func runImport(ctx context.Context, io stdio, environ, args []string) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, true)
	project := fs.String("project", "", "Atlas project `id` the archives belong to (24 hex digits; default: the only project of atlas.projects)")
	workspace := fs.String("workspace", "", "workspace `name` of every archive (default: read from each file name)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: aspaudit import [--config FILE] --project ID [--workspace NAME] FILE.gz|DIR...\n\nStores audit-log archives downloaded before (Atlas CLI or API names: <workspace>_<start>_<end>_audit.log.gz).\nEach file is one window, named after its time range; re-importing stores nothing twice.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args, io.err); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(io.err, "aspaudit import: no archive given: name one or more .gz files or directories")
		return exitUsage
	}
	prog := newProgress(io.err, "import")
	cfg, log, ok := c.load(io, environ, nil, false, prog)
	if !ok {
		return exitUsage
	}
	projectID, known, err := importProject(*project, cfg.Atlas.Projects)
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit import: %v\n", err)
		return exitUsage
	}
	archives, err := files.Find(files.NameRule{ProjectID: projectID, Workspace: *workspace, Known: known}, fs.Args()...)
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
	log.Info("importing", "archives", len(archives), "project", projectID, "sink", out.where)
	sum, err := eng.Windows(ctx, src.Windows(), true)
	prog.done()
	out.applyRetention(ctx, cfg, log)
	if cerr := out.close(context.WithoutCancel(ctx)); cerr != nil {
		log.Error("closing the outputs", "err", cerr)
		sum.Failed++
	}
	if err != nil {
		fmt.Fprintf(io.err, "aspaudit import: %v\n", err)
		return exitIncomplete
	}
	return finish(io, "import", sum, out.dead.Where(), c.report, false)
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
