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
// Adding a sink means: a package that implements pipeline.Sink (plus a
// dead-letter place and a checkpoint store, or reuses the file ones) and
// registers a Type; a blank import of it in configs/sinks.go; its section
// in configs/example.yaml; a line in README's sink table.
package sinks
