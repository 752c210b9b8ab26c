// Package pipeline defines the contracts between aspaudit's stages. It
// imports none of aspaudit's implementations: sources/* and sinks/*
// implement these contracts, pipeline/ingest runs them, and cmd/aspaudit
// wires concrete types together.
//
// # The flow
//
// A Series is one timeline to keep: (project, workspace, log type[,
// processor]). A Window is one Series over a half-open time Range, cut at
// multiples of the configured window size; windows are the unit of
// fetching, retrying and checkpointing.
//
//	Source.Fetch(window)       decompressed lines, streamed, never whole in memory
//	Parsers[log type].Parse    one Event per line (a line that cannot be parsed
//	                           still becomes an Event, marked as a parse failure)
//	Sink.Write(batch)          every Event settled: stored, duplicate, or Rejection
//	DeadLetter.Put(rejections) each Rejection kept with its reason
//	CheckpointStore.MarkStored the window's Range recorded as covered
//
// # The rules every implementation keeps
//
//   - Nothing lost: a window is marked stored only after every one of its
//     events is stored, recognised as a duplicate, or put in the dead-letter
//     place. A crash at any moment leaves the window unmarked, and it is
//     fetched again.
//   - Nothing doubled: an event's ID depends only on (project, workspace,
//     raw line), so writing it again is a duplicate, which counts as stored.
//   - Ownership: a batch and its documents belong to the caller; Write may
//     read them until it returns and keeps nothing after.
//   - Errors say whether retrying helps: Permanent errors will fail again,
//     ThrottleError carries the server's wait (RetryAfter), StorageFull
//     names a full disk; anything else may be retried. A Write error means
//     the outcome of some events is unknown and the whole batch is retried.
//   - Blocking methods take ctx first and give up when it ends.
//
// # Where the implementations are
//
// Sources: sources/atlas (the Admin API), sources/files (archives).
// Parsers: pipeline/transform (audit log), pipeline/transform/oplog
// (operational log). Sinks register themselves with package sinks, which
// holds the registry of sink types (sink.type) and the Outputs a sink type
// opens: its Sink, DeadLetter and CheckpointStore. sinks/sinktest holds the
// conformance suites every Sink, DeadLetter and CheckpointStore passes.
package pipeline
