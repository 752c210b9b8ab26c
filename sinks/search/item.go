package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/aspaudit/aspaudit/pipeline"
)

// item is one event encoded as its two bulk lines, on its way to the
// cluster.
type item struct {
	w    *write // the Write call it belongs to
	idx  int    // its index in that call's batch
	line []byte // {"create":{...}}\n{document}\n
}

// encode builds ev's bulk lines: a create action with the event's id in
// the index of its time, then the document on one line. It returns an
// error, the reason to reject the event, when the event cannot be sent as
// is: no id, or a document that is not a JSON object.
func encode(ev pipeline.Event, index string) ([]byte, error) {
	if ev.ID == "" {
		return nil, errors.New("event has no id")
	}
	doc := bytes.TrimSpace(ev.Doc)
	// A cheap check, not a parse: documents come from a JSON encoder, and
	// the cluster rejects a malformed one by itself (as this one item).
	if len(doc) < 2 || doc[0] != '{' || doc[len(doc)-1] != '}' {
		return nil, errors.New("document is not a JSON object")
	}
	if bytes.IndexByte(doc, '\n') >= 0 {
		// Bulk bodies are one JSON value per line: an indented document
		// would be read as several. Compacting also validates it.
		var c bytes.Buffer
		if err := json.Compact(&c, doc); err != nil {
			return nil, errors.New("document is not valid JSON")
		}
		doc = c.Bytes()
	}
	line := make([]byte, 0, len(doc)+len(index)+len(ev.ID)+40)
	line = append(line, `{"create":{"_index":"`...)
	line = append(line, index...) // a validated prefix and digits: nothing to escape
	line = append(line, `","_id":`...)
	line = appendJSONString(line, ev.ID)
	line = append(line, "}}\n"...)
	line = append(line, doc...)
	return append(line, '\n'), nil
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
