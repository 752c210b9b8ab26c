// Package sinktest holds the conformance suites that every aspaudit sink,
// checkpoint store and dead-letter place must pass, and faithful in-memory
// doubles of them for other packages' tests.
//
// A sink package runs the suite from its own tests:
//
//	sinktest.RunSinkSuite(t, newSink, sinktest.SinkOptions{Stored: readBack})
//	sinktest.RunCheckpointSuite(t, newStore, sinktest.CheckpointOptions{Reopen: reopen})
//	sinktest.RunDeadLetterSuite(t, newDL, sinktest.DeadLetterOptions{Stored: readBack})
//
// The doubles follow the contracts of package pipeline: Recorder stores by
// id and reports duplicates as duplicates, Failing injects transient
// failures and rejections in front of another sink, Discard counts and
// drops (for benchmarks), Checkpoints and DeadLetters keep state in memory.
package sinktest
