package transform

import (
	"net/netip"
	"strconv"
	"time"
)

// docWriter appends a JSON document by hand. Keys are constants of this
// package and need no escaping; values are escaped or copied from validated
// JSON.
type docWriter struct {
	b     []byte
	comma bool
	// validUTF8 says the line is valid UTF-8.
	validUTF8 bool
	// clean says raw parts of the line can be copied without repair:
	// valid UTF-8 and no unpaired surrogate escapes.
	clean bool
}

func (w *docWriter) key(k string) {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	w.comma = true
}

func (w *docWriter) open(k string) {
	w.key(k)
	w.b = append(w.b, '{')
	w.comma = false
}

func (w *docWriter) close() {
	w.b = append(w.b, '}')
	w.comma = true
}

// constant writes a string value that needs no escaping.
func (w *docWriter) constant(k, v string) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = append(w.b, v...)
	w.b = append(w.b, '"')
}

// rawJSON writes a value that is already JSON (a constant or a raw value).
func (w *docWriter) rawJSON(k string, v []byte) {
	w.key(k)
	w.b = appendRawText(w.b, v, w.clean)
}

// content writes a still-escaped string content from the line; absent
// when nil.
func (w *docWriter) content(k string, c []byte) {
	if c == nil {
		return
	}
	w.key(k)
	w.b = append(w.b, '"')
	w.b = appendRawText(w.b, c, w.clean)
	w.b = append(w.b, '"')
}

// text writes arbitrary bytes as an escaped string.
func (w *docWriter) text(k string, s []byte) {
	w.key(k)
	w.b = appendString(w.b, s)
}

// line writes the raw line as an escaped string; its UTF-8 validity is
// already known.
func (w *docWriter) line(k string, line []byte) {
	w.key(k)
	w.b = append(w.b, '"')
	if w.validUTF8 {
		w.b = appendValidStringContent(w.b, line)
	} else {
		w.b = appendStringContent(w.b, line)
	}
	w.b = append(w.b, '"')
}

// textString writes a Go string as an escaped string.
func (w *docWriter) textString(k string, s string) {
	w.key(k)
	w.b = appendStringValue(w.b, s)
}

func (w *docWriter) integer(k string, v optInt) {
	if !v.ok {
		return
	}
	w.key(k)
	w.b = strconv.AppendInt(w.b, v.v, 10)
}

func (w *docWriter) time(k string, t time.Time) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = appendTime(w.b, t)
	w.b = append(w.b, '"')
}

func (w *docWriter) ip(k string, a netip.Addr) {
	if !a.IsValid() {
		return
	}
	w.key(k)
	w.b = append(w.b, '"')
	w.b = a.AppendTo(w.b)
	w.b = append(w.b, '"')
}

// flattened writes a free-form value for a flattened field: an object as
// it is, null or nothing not at all, anything else wrapped as
// {"_value": v} because flattened fields take objects only.
func (w *docWriter) flattened(k string, v raw) {
	switch v.kind {
	case kindNone, kindNull:
		return
	case kindObject:
		w.rawJSON(k, v.b)
		return
	}
	w.open(k)
	w.key("_value")
	w.b = appendRawValue(w.b, v, w.clean)
	w.close()
}

// appendRawValue writes a raw value back as JSON, re-quoting strings.
func appendRawValue(dst []byte, v raw, clean bool) []byte {
	if v.kind != kindString {
		return appendRawText(dst, v.b, clean)
	}
	dst = append(dst, '"')
	dst = appendRawText(dst, v.b, clean)
	return append(dst, '"')
}

// qualified writes "db.name" (or "name") from still-escaped parts.
func (w *docWriter) qualified(k string, q qname) {
	w.key(k)
	w.b = appendQualified(w.b, q, w.clean)
}

func appendQualified(dst []byte, q qname, clean bool) []byte {
	dst = append(dst, '"')
	if len(q.db) > 0 {
		dst = appendRawText(dst, q.db, clean)
		dst = append(dst, '.')
	}
	dst = appendRawText(dst, q.name, clean)
	return append(dst, '"')
}
