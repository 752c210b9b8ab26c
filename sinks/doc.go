// Package sinks is the registry of sink types: each sink package registers
// its type (a name and a constructor of its configuration section) in an
// init function, and the configuration loader and cmd/aspaudit look the
// configured sink.type up here instead of knowing any sink.
//
// A type's Section is the sink.<name> part of the configuration, decoded
// over its defaults. It validates itself and, once valid, opens the sink
// with its dead-letter place and checkpoint store (Outputs), checks what
// `aspaudit check` reports and installs what `aspaudit setup` installs.
//
// Adding a sink touches five files: sinks/<name>/<name>.go (the
// pipeline.Sink, its Section, and Register in init; the file sink's
// dead-letter file and checkpoint store may be reused), its test file, a
// blank import in configs/sinks.go, its section in configs/example.yaml,
// and a line in README. cmd/aspaudit/registry_e2e_test.go registers a
// throw-away type in a test alone and runs a backfill into it.
package sinks
