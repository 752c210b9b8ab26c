package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
[redacted]. --format json prints the same as one JSON object. Exits 2 listing every
problem when the configuration is not valid. Contacts nothing.`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	var f configFlags
	f.common.register(cmd, false)
	cmd.Flags().StringVar(&f.format, "format", "text", "output `format`: text (a table) or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RunE = inv.action(f.run)
	return cmd
}

// configFlags are config's flags, set by parsing.
type configFlags struct {
	common commonFlags
	format string
}

func (f *configFlags) run(_ context.Context, io stdio, environ, _ []string) int {
	if f.format != "text" && f.format != "json" {
		fmt.Fprintf(io.err, "aspaudit: --format: %q is not a known format (text, json)\n", f.format)
		return exitUsage
	}
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
	write := writeConfigTable
	if f.format == "json" {
		write = writeConfigJSON
	}
	if err := write(io.out, c.file, settings); err != nil {
		fmt.Fprintf(io.err, "aspaudit config: writing: %v\n", err)
		return exitIncomplete
	}
	return exitOK
}

func writeConfigTable(w io.Writer, file configs.FileChoice, settings []configs.Setting) error {
	fmt.Fprintf(w, "# configuration file: %s\n", file)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tFROM")
	for _, s := range settings {
		v := s.Value
		if v == "" {
			v = `""`
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, v, s.Origin)
	}
	return tw.Flush()
}

// configJSON is what `config --format json` prints.
type configJSON struct {
	File     string        `json:"file"`
	Settings []settingJSON `json:"settings"`
}

type settingJSON struct {
	Key    string     `json:"key"`
	Value  string     `json:"value"` // as text, secrets redacted
	Origin originJSON `json:"origin"`
}

type originJSON struct {
	Kind   string `json:"kind"` // default, file, environment, flag
	Detail string `json:"detail,omitempty"`
}

func writeConfigJSON(w io.Writer, file configs.FileChoice, settings []configs.Setting) error {
	out := configJSON{File: file.Path, Settings: make([]settingJSON, len(settings))}
	for i, s := range settings {
		out.Settings[i] = settingJSON{Key: s.Key, Value: s.Value, Origin: originJSON{Kind: s.Origin.Kind, Detail: s.Origin.Detail}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
