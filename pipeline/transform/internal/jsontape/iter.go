package jsontape

// Value is one value of the tape, ready to use: Text holds a string's still-escaped
// content or any other value's JSON text. tok is its index on the tape.
type Value struct {
	// Text is a string's still-escaped content, or any other value's
	// JSON text; it points into the line.
	Text []byte
	Kind Kind
	// Esc says a string's content holds backslash escapes.
	Esc bool
	tok int32
}

// At returns the value of token i.
func (t *Tape) At(i int32) Value {
	k := &t.toks[i] // not a copy: fields are read straight from the tape
	return Value{Text: t.line[k.start:k.end], Kind: k.Kind, Esc: k.Esc, tok: i}
}

// Root returns the line's top-level value.
func (t *Tape) Root() Value { return t.At(0) }

// Members iterates over the members of an object.
type Members struct {
	t        *Tape
	pos, end int32
}

// Members iterates over v's members; none when v is not an object.
func (t *Tape) Members(v Value) Members {
	if v.Kind != KindObject {
		return Members{}
	}
	return Members{t: t, pos: v.tok + 1, end: t.toks[v.tok].next}
}

// Next returns the next member, its key still escaped.
func (m *Members) Next() (key Value, val Value, ok bool) {
	if m.pos >= m.end {
		return Value{}, Value{}, false
	}
	key = m.t.At(m.pos)
	val = m.t.At(m.pos + 1)
	m.pos = m.t.toks[m.pos+1].next
	return key, val, true
}

// Elements iterates over the elements of an array.
type Elements struct {
	t        *Tape
	pos, end int32
}

// Elements iterates over v's elements; none when v is not an array.
func (t *Tape) Elements(v Value) Elements {
	if v.Kind != KindArray {
		return Elements{}
	}
	return Elements{t: t, pos: v.tok + 1, end: t.toks[v.tok].next}
}

// Next returns the next element.
func (e *Elements) Next() (Value, bool) {
	if e.pos >= e.end {
		return Value{}, false
	}
	v := e.t.At(e.pos)
	e.pos = e.t.toks[e.pos].next
	return v, true
}
