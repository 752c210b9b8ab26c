package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
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

// body is what a command does once its flags are parsed; it returns the
// process exit code.
type body func(ctx context.Context, io stdio, environ, args []string) int

// invocation is one run of the program: what every command body gets
// besides its flags, and the exit code the body returned.
type invocation struct {
	io      stdio
	environ []string
	code    int
}

// action adapts a command body to cobra, keeping its exit code.
func (inv *invocation) action(b body) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		inv.code = b(cmd.Context(), inv.io, inv.environ, args)
		return nil
	}
}

const rootLong = `aspaudit ships MongoDB Atlas Stream Processing audit logs into Elasticsearch,
OpenSearch or local NDJSON files.

The configuration is read from --config FILE, else from $ASPAUDIT_CONFIG, else from
./aspaudit.yaml or /etc/aspaudit/aspaudit.yaml (the first that exists), then from ASPAUDIT_*
variables and flags. 'aspaudit config' shows the result and where each value came from.

Exit status: 0 all stored, 1 some windows incomplete, 2 usage/config error,
3 some events dead-lettered.`

// newRoot builds the command tree of one invocation.
func newRoot(inv *invocation) *cobra.Command {
	root := &cobra.Command{
		Use:           "aspaudit",
		Short:         "ship Atlas Stream Processing audit logs to Elasticsearch, OpenSearch or files",
		Long:          rootLong,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate(versionLine() + "\n")
	root.SetIn(inv.io.in)
	root.SetOut(inv.io.out)
	root.SetErr(inv.io.err)
	root.AddCommand(
		backfillCommand(inv), runCommand(inv), importCommand(inv),
		setupCommand(inv), checkCommand(inv), configCommand(inv), versionCommand(inv),
	)
	root.Flags().BoolP("version", "v", false, "print the version, as the version command does")
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.RunE = noShell
		}
	}
	return root
}

// noShell runs when `completion` names no shell: without it cobra would
// print the help and exit 0. (cobra refuses an unknown shell itself.)
func noShell(*cobra.Command, []string) error {
	return errors.New("name a shell: bash, zsh, fish or powershell")
}

// run parses args, runs the command they name and returns the process
// exit code. Flags may come before or after positional arguments; "--"
// ends the flags.
func run(ctx context.Context, args []string, io stdio, environ []string) int {
	inv := &invocation{io: io, environ: environ}
	root := newRoot(inv) //nolint:contextcheck // cobra hands each command the ctx given to ExecuteContextC below
	if len(args) == 0 {
		fmt.Fprintln(io.err, "aspaudit: no command given")
		root.SetOut(io.err)
		_ = root.Usage()
		return exitUsage
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		printUsageError(io.err, cmd, args, err)
		return exitUsage
	}
	return inv.code
}

// printUsageError says what was wrong with the command line and where to
// read how to write it.
func printUsageError(w io.Writer, cmd *cobra.Command, args []string, err error) {
	name := "aspaudit"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	fmt.Fprintf(w, "%s: %v%s\n", name, err, singleDashHint(cmd, args))
	fmt.Fprintf(w, "Run '%s --help' for usage.\n", name)
}

// singleDashHint notices a long flag written with one dash (-config),
// which GNU-style parsing reads as a bundle of one-letter flags.
func singleDashHint(cmd *cobra.Command, args []string) string {
	if cmd == nil {
		return ""
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if cmd.Flags().Lookup(name) != nil {
			return fmt.Sprintf(" (long flags take two dashes: --%s)", strings.TrimPrefix(a, "-"))
		}
	}
	return ""
}

// noArgs refuses positional arguments, naming the first one.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q: %s takes flags only", args[0], cmd.Name())
	}
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
