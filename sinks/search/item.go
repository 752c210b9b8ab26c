package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/aspaudit/aspaudit/pipeline"
)

// item is one event on its way to the cluster. Its document is not copied:
// doc is the caller's bytes, read only while the event's Write call waits
// (see write.use), or a compacted copy.
type item struct {
	w    *writeCall // the Write call it belongs to
	idx  int        // its index in that call's batch
	head []byte     // the action line: {"create":{"_index":...,"_id":...}}\n
	doc  []byte     // the document, on one line, without the newline
}

// size is the item's share of a request body.
func (it *item) size() int { return len(it.head) + len(it.doc) + 1 }

// document returns ev's document ready for a bulk body, or the reason to
// reject the event when it cannot be sent as is: no id, or a document that
// is not a JSON object.
func document(ev pipeline.Event) ([]byte, error) {
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
	return doc, nil
}

// appendAction appends the create action for id in index, with its newline.
func appendAction(b []byte, index, id string) []byte {
	b = append(b, `{"create":{"_index":"`...)
	b = append(b, index...) // a validated prefix and digits: nothing to escape
	b = append(b, `","_id":`...)
	b = appendJSONString(b, id)
	return append(b, "}}\n"...)
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
