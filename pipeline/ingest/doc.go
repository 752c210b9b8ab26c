// Package ingest is aspaudit's engine: it moves the audit log of each window
// from a pipeline.Source through a pipeline.Parser into a pipeline.Sink, sends
// rejected events to a pipeline.DeadLetter, and records a window in the
// pipeline.CheckpointStore only once every one of its events is settled.
//
// Engine.Window processes one window: the byte stream is cut into lines of any
// length, the lines are parsed concurrently by a bounded number of workers
// (in chunks, results kept in order), and the events are written in batches,
// synchronously, so that backpressure from the sink reaches the read of the
// stream. Everything in between is bounded.
//
// Engine.Backfill plans the uncovered windows of a time range and runs them
// with bounded concurrency and retries; Engine.Continuous keeps every series
// up to date, poll after poll, and never skips a window; Engine.Windows runs
// an explicit list of windows (archive import). All three stop taking new
// windows when their context ends and give the windows in flight a grace
// period to finish; abandoned windows are not recorded.
//
// Engine.FollowGroups follows groups of series (projects) as discovery
// lists them; Engine.FollowShared does so for one of several replicas,
// following only the groups whose lease (a pipeline.LeaseStore) it holds:
// leases are renewed every TTL/3 and taken up to a fair share; a lease
// that could not be renewed is lost TTL/6 before it expires for the
// others, which cancels the group's windows and closes its checkpoints
// (a gate in front of the CheckpointStore).
package ingest
