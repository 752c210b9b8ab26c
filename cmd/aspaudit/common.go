package main

import (
	"flag"
	"fmt"
	"log/slog"

	"github.com/aspaudit/aspaudit/configs"
)

// commonFlags are the flags every working command takes.
type commonFlags struct {
	config   string
	logLevel string
	report   string
}

func (c *commonFlags) register(fs *flag.FlagSet, withReport bool) {
	fs.StringVar(&c.config, "config", "", "YAML configuration `file` (default: none; environment ASPAUDIT_* and defaults apply)")
	fs.StringVar(&c.logLevel, "log-level", "", "log level: debug, info, warn, error (overrides log.level)")
	if withReport {
		fs.StringVar(&c.report, "report", "", "print a machine-readable report on stdout at the end: json")
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
	if c.logLevel != "" {
		overrides["log.level"] = c.logLevel
	}
	cfg, err := configs.Load(configs.Sources{File: c.config, Environ: environ, Overrides: overrides, NeedAtlas: needAtlas})
	if err != nil {
		printErrors(io.err, "configuration problems (nothing was done)", err)
		return cfg, nil, false
	}
	log, err := newLogger(logWriter(io.err, prog), isTerminal(io.err), cfg.Log.Level, cfg.Log.Format)
	if err != nil {
		printErrors(io.err, "configuration problems (nothing was done)", err)
		return cfg, nil, false
	}
	for _, w := range cfg.Pipeline.Warnings() {
		log.Warn(w)
	}
	return cfg, log, true
}
