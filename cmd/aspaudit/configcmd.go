package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/configs"
)

func configCommand(inv *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config [flags]",
		Short: "print the effective configuration, secrets redacted, and where each value came from",
		Long: `Prints every configuration key with its effective value and where that value came from:
default, file, environment or flag. Secrets (and passwords in URLs) are printed as
[redacted]. Exits 2 listing every problem when the configuration is not valid. Contacts
nothing.`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	var f configFlags
	f.common.register(cmd, false)
	cmd.RunE = inv.action(f.run)
	return cmd
}

// configFlags are config's flags, set by parsing.
type configFlags struct {
	common commonFlags
}

func (f *configFlags) run(_ context.Context, io stdio, environ, _ []string) int {
	c := &f.common
	cfg, _, ok := c.load(io, environ, nil, false)
	if !ok {
		return exitUsage
	}
	settings, err := configs.Explain(cfg, c.sources)
	if err != nil {
		printErrors(io.err, "configuration problems", err)
		return exitUsage
	}
	fmt.Fprintf(io.out, "# configuration file: %s\n", c.file)
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tFROM")
	for _, s := range settings {
		v := s.Value
		if v == "" {
			v = `""`
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, v, s.Origin)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(io.err, "aspaudit config: writing: %v\n", err)
		return exitIncomplete
	}
	return exitOK
}
