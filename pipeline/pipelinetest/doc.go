// Package pipelinetest holds faithful in-memory doubles of the contracts of
// package pipeline, shared by the tests of the ingest engine, the sinks and
// the command: Recorder stores by id and reports duplicates as duplicates,
// Failing injects transient failures and rejections in front of another
// sink, Discard counts and drops (for benchmarks), Checkpoints and
// DeadLetters keep state in memory, Leases keeps leases with the real
// store's compare-and-swap semantics.
//
// The doubles pass the conformance suites of package sinks/sinktest (run
// from that package's tests), so a test using them tests against what a
// real sink, checkpoint store or dead-letter place does.
package pipelinetest

import "encoding/json"

// Doc is one stored copy of a document, as read back from a sink.
type Doc struct {
	ID string
	// Source is the document without its id, as JSON.
	Source json.RawMessage
}
