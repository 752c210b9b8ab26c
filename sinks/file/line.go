package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

const idPrefix = `{"_id":`

// appendLine appends e's document as one NDJSON line with "_id" inserted
// as its first member. doc must be a valid JSON object (see
// pipelinetest.Invalid); documents spread over several lines are compacted.
func appendLine(dst []byte, id string, doc []byte) ([]byte, error) {
	doc = bytes.TrimSpace(doc)
	if bytes.ContainsAny(doc, "\r\n") {
		var buf bytes.Buffer
		if err := json.Compact(&buf, doc); err != nil {
			return dst, fmt.Errorf("compacting document: %w", err)
		}
		doc = buf.Bytes()
	}
	if len(doc) < 2 || doc[0] != '{' {
		return dst, errors.New("document is not a JSON object")
	}
	dst = append(dst, idPrefix...)
	if plainID(id) {
		dst = append(append(append(dst, '"'), id...), '"')
	} else {
		qid, err := json.Marshal(id)
		if err != nil {
			return dst, fmt.Errorf("encoding id: %w", err)
		}
		dst = append(dst, qid...)
	}
	rest := bytes.TrimLeft(doc[1:], " \t")
	if rest[0] != '}' {
		dst = append(dst, ',')
	}
	dst = append(dst, rest...)
	return append(dst, '\n'), nil
}

// splitLine takes a stored line (without its newline) apart into the id
// and the document without "_id". The document shares line's memory.
func splitLine(line []byte) (string, []byte, error) {
	if !bytes.HasPrefix(line, []byte(idPrefix+`"`)) {
		return "", nil, errors.New(`line does not start with {"_id":"`)
	}
	end := stringEnd(line, len(idPrefix))
	if end < 0 {
		return "", nil, errors.New("line has an unterminated _id")
	}
	var id string
	if err := json.Unmarshal(line[len(idPrefix):end], &id); err != nil {
		return "", nil, fmt.Errorf("decoding _id: %w", err)
	}
	var doc []byte
	switch {
	case end < len(line) && line[end] == '}':
		doc = []byte("{}")
	case end < len(line) && line[end] == ',':
		doc = line[end:]
		doc[0] = '{' // the comma becomes the document's opening brace
	default:
		return "", nil, errors.New("line has no document after its _id")
	}
	if !json.Valid(doc) {
		return "", nil, errors.New("line is not valid JSON")
	}
	return id, doc, nil
}

// stringEnd returns the index just past the JSON string starting at
// b[start] (a quote), or -1 when it does not end.
func stringEnd(b []byte, start int) int {
	for i := start + 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// plainID reports whether id can be quoted as is: printable ASCII without
// quotes, backslashes or the characters encoding/json escapes for HTML.
func plainID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
