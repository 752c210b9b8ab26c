package transform

import (
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"strconv"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/internal/isotime"
)

// docWriter appends a JSON document by hand. Keys are constants of this
// package and need no escaping; values are escaped or copied from validated
// JSON.
type docWriter struct {
	// buf[:n] is the document. buf is stored only when it grows: every
	// store of a slice through a pointer costs a write barrier while the
	// garbage collector runs, and a document is written in hundreds of
	// small appends, so the hot path stores the length alone.
	buf   []byte
	n     int
	comma bool
	// validUTF8 says the line is valid UTF-8.
	validUTF8 bool
	// plain says the line is valid UTF-8 without bytes below 0x20 (see
	// jsontape.ClassifyLine).
	plain bool
	// clean says raw parts of the line can be copied without repair:
	// valid UTF-8 and no unpaired surrogate escapes.
	clean bool
	// dedupe says raw objects may repeat keys and must be copied through
	// tp without the repeats.
	dedupe bool
	tp     *tape
	stamp  *stamp
	// cut marks the flattened fields (bit 1<<flatField) written with
	// values past the bounds cut (see bounded.go).
	cut uint8
}

// doc returns the document written so far, for appending to.
func (w *docWriter) doc() []byte { return w.buf[:w.n] }

// set stores the document b, which was appended to doc(): append keeps
// the backing array while the capacity does not change, so only a grown
// buffer is stored.
func (w *docWriter) set(b []byte) {
	if cap(b) != cap(w.buf) {
		w.buf = b[:cap(b)]
	}
	w.n = len(b)
}

// put appends bytes of JSON syntax.
func (w *docWriter) put(c ...byte) { w.set(append(w.doc(), c...)) }

// puts appends constant JSON text.
func (w *docWriter) puts(s string) { w.set(append(w.doc(), s...)) }

// The methods below load the document into a local, append to it and
// set it once.

// appendKey appends `,"k":` (or `"k":` when no comma is due).
func appendKey(b []byte, comma bool, k string) []byte {
	if comma {
		b = append(b, ',', '"')
	} else {
		b = append(b, '"')
	}
	b = append(b, k...)
	return append(b, '"', ':')
}

func (w *docWriter) key(k string) {
	w.set(appendKey(w.doc(), w.comma, k))
	w.comma = true
}

func (w *docWriter) open(k string) {
	w.set(append(appendKey(w.doc(), w.comma, k), '{'))
	w.comma = false
}

func (w *docWriter) close() {
	w.put('}')
	w.comma = true
}

// constant writes a string value that needs no escaping.
func (w *docWriter) constant(k, v string) {
	b := append(appendKey(w.doc(), w.comma, k), '"')
	b = append(b, v...)
	w.set(append(b, '"'))
	w.comma = true
}

// rawJSON writes a value that is already JSON (a constant or a raw value).
func (w *docWriter) rawJSON(k string, v []byte) {
	w.set(jsontape.AppendRawText(appendKey(w.doc(), w.comma, k), v, w.clean))
	w.comma = true
}

// content writes a still-escaped string content from the line; absent
// when nil.
func (w *docWriter) content(k string, c []byte) {
	if c == nil {
		return
	}
	b := append(appendKey(w.doc(), w.comma, k), '"')
	b = jsontape.AppendRawText(b, c, w.clean)
	w.set(append(b, '"'))
	w.comma = true
}

// text writes arbitrary bytes as an escaped string.
func (w *docWriter) text(k string, s []byte) {
	w.set(jsontape.AppendString(appendKey(w.doc(), w.comma, k), s))
	w.comma = true
}

// line writes the raw line as an escaped string; its UTF-8 validity is
// already known.
func (w *docWriter) line(k string, line []byte) {
	b := append(appendKey(w.doc(), w.comma, k), '"')
	if w.validUTF8 {
		b = jsontape.AppendValidStringContent(b, line)
	} else {
		b = jsontape.AppendStringContent(b, line)
	}
	w.set(append(b, '"'))
	w.comma = true
}

// original writes the raw line of a parsed line as an escaped string.
func (w *docWriter) original(k string, line []byte) {
	if !w.plain {
		w.line(k, line)
		return
	}
	b := append(appendKey(w.doc(), w.comma, k), '"')
	b = w.tp.AppendOriginal(b)
	w.set(append(b, '"'))
	w.comma = true
}

// textString writes a Go string as an escaped string.
func (w *docWriter) textString(k string, s string) {
	w.set(jsontape.AppendStringValue(appendKey(w.doc(), w.comma, k), s))
	w.comma = true
}

func (w *docWriter) integer(k string, v optInt) {
	if !v.ok {
		return
	}
	w.set(strconv.AppendInt(appendKey(w.doc(), w.comma, k), v.v, 10))
	w.comma = true
}

func (w *docWriter) time(k string, t time.Time) {
	b := append(appendKey(w.doc(), w.comma, k), '"')
	b = isotime.Append(b, t)
	w.set(append(b, '"'))
	w.comma = true
}

// ip writes an endpoint's ip, when it has one.
func (w *docWriter) ip(k string, e *endpoint) {
	if !e.ip.IsValid() {
		return
	}
	b := append(appendKey(w.doc(), w.comma, k), '"')
	b = e.ipText().appendTo(b)
	w.set(append(b, '"'))
	w.comma = true
}

// flattened writes a free-form value for a flattened field: an object as
// it is, null or nothing not at all, anything else wrapped as
// {"_value": v} because flattened fields take objects only.
func (w *docWriter) flattened(k string, f flatField, v raw) {
	switch v.Kind {
	case jsontape.KindNone, jsontape.KindNull:
		return
	case jsontape.KindObject:
		w.key(k)
		w.flatValue(f, v, 0)
		return
	}
	w.open(k)
	w.key("_value")
	w.flatValue(f, v, 1)
	w.close()
}

// flatValue writes a value of the flattened field f at depth, cut to the
// bounds when f is marked.
func (w *docWriter) flatValue(f flatField, v raw, depth int) {
	if w.cut&(1<<f) != 0 {
		w.set(w.tp.AppendBounded(w.doc(), v, w.clean, depth))
		return
	}
	w.value(v)
}

// value writes a raw value of the line.
func (w *docWriter) value(v raw) {
	if w.dedupe && (v.Kind == jsontape.KindObject || v.Kind == jsontape.KindArray) {
		w.set(w.tp.AppendDeduped(w.doc(), v, w.clean))
		return
	}
	w.set(jsontape.AppendRawValue(w.doc(), v, w.clean))
}

// qualified writes "db.name" (or "name") from still-escaped parts.
func (w *docWriter) qualified(k string, q qname) {
	w.key(k)
	w.set(appendQualified(w.doc(), q, w.clean))
}

func appendQualified(dst []byte, q qname, clean bool) []byte {
	dst = append(dst, '"')
	if len(q.db) > 0 {
		dst = jsontape.AppendRawText(dst, q.db, clean)
		dst = append(dst, '.')
	}
	dst = jsontape.AppendRawText(dst, q.name, clean)
	return append(dst, '"')
}
