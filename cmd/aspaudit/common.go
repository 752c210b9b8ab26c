package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/aspaudit/aspaudit/configs"
)

// commonFlags are the flags every working command takes.
type commonFlags struct {
	config   string
	logLevel string
	report   string
	// file is the configuration file load read, and why, and sources all
	// it read; both set by load.
	file    configs.FileChoice
	sources configs.Sources
}

func (c *commonFlags) register(cmd *cobra.Command, withReport bool) {
	fs := cmd.Flags()
	fs.StringVar(&c.config, "config", "", "YAML configuration `file` (default: $ASPAUDIT_CONFIG, else ./aspaudit.yaml or /etc/aspaudit/aspaudit.yaml if one exists)")
	fs.StringVar(&c.logLevel, "log-level", "", "log `level`: debug, info, warn, error (overrides log.level)")
	_ = cmd.RegisterFlagCompletionFunc("config", cobra.FixedCompletions([]cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt))
	_ = cmd.RegisterFlagCompletionFunc("log-level", cobra.FixedCompletions([]cobra.Completion{"debug", "info", "warn", "error"}, cobra.ShellCompDirectiveNoFileComp))
	if withReport {
		fs.StringVar(&c.report, "report", "", "print a machine-readable report in this `format` on stdout at the end (json)")
		_ = cmd.RegisterFlagCompletionFunc("report", cobra.FixedCompletions([]cobra.Completion{"json"}, cobra.ShellCompDirectiveNoFileComp))
	}
}

// load reads the configuration and builds the logger. It prints every
// problem and returns ok=false when the command must exit with exitUsage.
//
// With a progress display, log lines go through it so that they appear
// above its status line.
func (c *commonFlags) load(io stdio, environ []string, overrides map[string]any, needAtlas bool, prog ...*progress) (configs.Config, *slog.Logger, bool) {
	if c.report != "" && c.report != "json" {
		fmt.Fprintf(io.err, "aspaudit: --report: %q is not a known format (json)\n", c.report)
		return configs.Config{}, nil, false
	}
	if overrides == nil {
		overrides = map[string]any{}
	}
	flags := map[string]string{}
	if c.logLevel != "" {
		overrides["log.level"] = c.logLevel
		flags["log.level"] = "--log-level"
	}
	file, err := configs.FindFile(c.config, environ, configs.DefaultSearchPath)
	if err != nil {
		printErrors(io.err, "configuration problems (nothing was done)", err)
		return configs.Config{}, nil, false
	}
	c.file = file
	c.sources = configs.Sources{File: file.Path, Environ: environ, Overrides: overrides, OverrideFlags: flags, NeedAtlas: needAtlas}
	cfg, err := configs.Load(c.sources)
	if err != nil {
		printErrors(io.err, "configuration problems (nothing was done)", err)
		return cfg, nil, false
	}
	log, err := newLogger(logWriter(io.err, prog), isTerminal(io.err), cfg.Log.Level, cfg.Log.Format)
	if err != nil {
		printErrors(io.err, "configuration problems (nothing was done)", err)
		return cfg, nil, false
	}
	log.Info("configuration", "file", file.String())
	for _, w := range cfg.Pipeline.Warnings() {
		log.Warn(w)
	}
	return cfg, log, true
}
