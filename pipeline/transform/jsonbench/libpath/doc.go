// Package goccypath is the transform's parse written on goccy/go-json: the
// library decodes each line and encodes each document, and the Go around
// it makes the same semantic choices and the same repairs as the
// transform's own engine (repeated keys, invalid UTF-8, lone surrogates,
// the flattened-field bounds, the processor search, the categories), so
// that its rate can be compared with the engine's for the same output.
// It exists for that comparison only (see the jsonbench benchmarks and
// TestSameOutput).
package libpath
