package pipeline

import "context"

// CheckpointStore records, per series, the time ranges fully stored. A
// range is recorded only after every event of it is stored or
// dead-lettered. Implementations write atomically and merge with what other
// processes recorded concurrently, so two runs on the same state never lose
// each other's progress. They are safe for concurrent use.
type CheckpointStore interface {
	// Coverage returns what is recorded for s (empty when nothing is).
	Coverage(ctx context.Context, s Series) (Coverage, error)
	// MarkStored adds r to the coverage of s.
	MarkStored(ctx context.Context, s Series, r Range) error
	// Close releases resources, like Sink.Close. Calling it twice is safe.
	Close(ctx context.Context) error
}
