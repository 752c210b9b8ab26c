package pipeline

import "context"

// Sink stores batches of events.
type Sink interface {
	// Write stores batch and returns only when every event is settled:
	// stored, already stored (a duplicate, which counts as stored), or
	// rejected for good. Events the server asked to retry (429, 5xx,
	// timeouts) are retried inside Write with backoff.
	//
	// A nil error means every event is settled and the result accounts
	// for each of them. A non-nil error means the outcome of some events is
	// unknown (context ended, retry budget spent, server unreachable): the
	// caller retries the whole batch later, which is safe because ids are
	// deterministic. Write does not retain batch after returning.
	Write(ctx context.Context, batch []Event) (WriteResult, error)
	// Close flushes and releases resources. Calling it twice is safe.
	Close(ctx context.Context) error
}

// WriteResult accounts for every event of a settled batch.
type WriteResult struct {
	Stored     int // newly stored
	Duplicates int // already stored before, by an earlier run or retry
	// Rejected are events the server refused for good; the caller sends
	// them to the dead-letter place.
	Rejected []Rejection
	// Retries counts requests and items that had to be retried.
	Retries int
}

// Add accumulates o into r.
func (r *WriteResult) Add(o WriteResult) {
	r.Stored += o.Stored
	r.Duplicates += o.Duplicates
	r.Rejected = append(r.Rejected, o.Rejected...)
	r.Retries += o.Retries
}

// Rejection is an event refused for good, with the server's reason.
type Rejection struct {
	Event  Event
	Status int    // the item's HTTP status, 0 when none applies
	Reason string // the server's explanation, e.g. "mapper_parsing_exception: ..."
}

// DeadLetter keeps rejected events with their reasons, so that nothing is
// ever dropped silently. A place holds at most one entry per event id:
// putting an event whose id it already holds (a line re-read on a window
// edge, a retried window) keeps one entry, the first or the latest.
type DeadLetter interface {
	// Put stores the rejections durably before returning; an error means
	// they may not be stored and the window must not be checkpointed.
	Put(ctx context.Context, rs []Rejection) error
	// Where says where dead letters go, for summaries ("file ./x", "index y").
	Where() string
	// Close releases resources, like Sink.Close. Calling it twice is safe.
	Close(ctx context.Context) error
}
