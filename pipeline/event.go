package pipeline

import "time"

// Event is one audit line turned into a document ready to store.
type Event struct {
	// ID is the deterministic document id, derived only from the project
	// id, the workspace and the raw line, so a line stored twice is
	// recognised as the same document.
	ID string
	// Time is the event's own time in UTC. It chooses the index, so an
	// event always lands in the same index whenever it is written.
	Time time.Time
	// Doc is the JSON document (ECS field names), without the id. The
	// event owns it: a batch's documents belong to the batch until the
	// sink (and the dead-letter place) returned, and are garbage after.
	// Treat it as read-only.
	Doc []byte
	// LogType is the log the line came from (the zero value: the audit
	// log); sinks choose where to store the event by it.
	LogType LogType
	// Failed marks a line that could not be parsed; Doc then holds the raw
	// line with event.kind "pipeline_error" and error.message.
	Failed bool
}

// Parser turns one raw audit line into an event. Implementations are safe
// for concurrent use and do not retain line after returning.
type Parser interface {
	// Parse always returns an event that can be stored. A non-nil error
	// says why the line could not be parsed; the event is then a marked
	// parse-failure event that keeps the raw line, so nothing is lost.
	Parse(line []byte, w Window) (Event, error)
}
