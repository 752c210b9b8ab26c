// Package libpath is the transform's parse written on a JSON library: the
// library decodes each line (into maps of members, so that unknown
// members are kept and keys are told apart exactly) and encodes each
// document, and the Go around it makes the same semantic choices and the
// same repairs as the transform's own engine (repeated keys, invalid
// UTF-8, unpaired surrogates, the flattened-field bounds, the processor
// search, the categories). It runs on goccy/go-json, bytedance/sonic,
// encoding/json and, built with GOEXPERIMENT=jsonv2, encoding/json/v2
// (Codecs), so that their rates can be compared with the engine's for the
// same output. It exists for that comparison only: TestSameOutput* check
// the output against the engine, jsonbench's BenchmarkFull and
// BenchmarkFloor measure it.
package libpath
