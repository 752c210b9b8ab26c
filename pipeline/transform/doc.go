// Package transform turns one raw Atlas Stream Processing audit line into an
// event document with ECS field names (see FIELDS.md), together with the
// document's deterministic id.
//
// Both line schemas MongoDB writes are recognised per line: the OCSF schema
// (a top-level class_uid) and the older mongo schema (a top-level atype). A
// line that is not JSON, or matches neither schema, still becomes an event:
// a parse-failure document that keeps the raw line, so nothing is lost.
//
// The parser is a single-pass, validating JSON scanner that keeps free-form
// parts (mongo param, OCSF unmapped, api.request) as raw JSON and copies them
// into the output unchanged; the output is written by hand with its own JSON
// string escaping into pooled scratch space, so a parse allocates only the
// id and the document it returns (which the caller then owns). That is
// what reaches a quarter of a million lines per second per core: see the
// benchmarks in bench_test.go.
package transform
