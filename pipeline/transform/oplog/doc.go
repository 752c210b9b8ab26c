// Package oplog turns the lines of Atlas Stream Processing's operational
// log into event documents, as package transform does for the audit log.
//
// The operational log's line format is not documented publicly, so the
// parser detects the shape of each line: mongod-style structured JSON
// ({"t":{"$date":…},"s":"I","c":…,"id":…,"ctx":…,"msg":…,"attr":{…}}),
// any other JSON object (time, level, logger and message read from their
// common member names), and plain text (a leading timestamp, a level word
// and a [component] when present). Whatever the shape, a line becomes an
// event: its time from the line, else the window's start (marked in
// atlas.streams.log.time_source), the members not mapped to ECS fields kept
// under atlas.streams.log.fields (mapped flattened, so searchable whatever
// their keys), and the raw line in event.original. No line is a parse
// failure; a line that looks like JSON but is not is read as text.
//
// The document id includes the log type, so the same text in the audit
// and the operational log stays two events; audit ids are unchanged.
package oplog
