// Package sinktest holds the conformance suites that every aspaudit sink,
// checkpoint store and dead-letter place must pass, and the events they
// write.
//
// A sink package runs the suite from its own tests:
//
//	sinktest.RunSinkSuite(t, newSink, sinktest.SinkOptions{Stored: readBack})
//	sinktest.RunCheckpointSuite(t, newStore, sinktest.CheckpointOptions{Reopen: reopen})
//	sinktest.RunDeadLetterSuite(t, newDL, sinktest.DeadLetterOptions{Stored: readBack})
//
// The in-memory doubles of the same contracts live in package
// pipeline/pipelinetest; this package's tests run them through the suites.
package sinktest
