package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes: the contract scripts and supervisors rely on.
const (
	exitOK           = 0
	exitIncomplete   = 1 // some windows could not be completed
	exitUsage        = 2 // usage or configuration error, nothing done
	exitDeadLettered = 3 // finished, some events dead-lettered
)

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, io stdio, environ, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"backfill": {"fetch and store a past time range, skipping ranges already stored", runBackfill},
		"run":      {"ingest continuously (or one pass with --once)", runContinuous},
		"import":   {"store audit-log archives downloaded before (.gz)", runImport},
		"setup":    {"install index templates, retention policy and dashboards", runSetup},
		"check":    {"validate config, credentials, workspaces and the sink", runCheck},
		"version":  {"print the version", runVersion},
	}
}

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, io stdio, environ []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(io.err)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(io.err, "aspaudit: unknown command %q\n\n", args[0])
		usage(io.err)
		return exitUsage
	}
	return cmd.run(ctx, io, environ, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: aspaudit <command> [flags]\n\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'aspaudit <command> --help' for its flags.")
	fmt.Fprintln(w, "Exit status: 0 all stored, 1 some windows incomplete, 2 usage/config error, 3 some events dead-lettered.")
}

// parseFlags parses args; it returns done=true with the exit code when
// the command must stop (help asked, or a usage error).
func parseFlags(fs *flag.FlagSet, args []string, w io.Writer) (code int, done bool) {
	fs.SetOutput(w)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, true
		}
		return exitUsage, true
	}
	return 0, false
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error {
	*m = append(*m, v)
	return nil
}

// printErrors writes every joined error on its own line.
func printErrors(w io.Writer, title string, err error) {
	fmt.Fprintf(w, "aspaudit: %s:\n", title)
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(w, "  - %s\n", line)
		}
	}
}
