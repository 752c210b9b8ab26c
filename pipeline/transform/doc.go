// Package transform turns one raw Atlas Stream Processing audit line into an
// event document with ECS field names (see FIELDS.md), together with the
// document's deterministic id.
//
// Both line schemas MongoDB writes are recognised per line: the OCSF schema
// (a top-level class_uid) and the older mongo schema (a top-level atype). A
// line that is not JSON, or matches neither schema, still becomes an event:
// a parse-failure document that keeps the raw line, so nothing is lost.
//
// This package holds what the lines mean: the schema readers, the ECS
// semantics (outcome, categories, users, endpoints, the processor a line
// names), the document's shape and the id. The JSON underneath is the
// project's own engine, internal/jsontape: a single-pass validating scanner
// that keeps free-form parts (mongo param, OCSF unmapped, api.request) as
// raw JSON, and a writer that copies them into the document with their
// repairs (repeated keys, invalid UTF-8, unpaired surrogates, the
// flattened-field bounds); internal/isotime reads and writes the times.
// Documents are written by hand into pooled scratch space, so a parse
// allocates only the id and the document it returns (which the caller then
// owns): about 185,000 lines per CPU-second. JSON libraries producing the
// same documents reach at most a fifth of that (goccy/go-json 21 %, sonic
// 18 %, encoding/json/v2 13 %, encoding/json 11 %), and even their least
// work, decoding the members and encoding the document, half of it: see
// README, "The transform's JSON engine against libraries", and jsonbench.
package transform
