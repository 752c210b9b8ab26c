package transform

// raw is one value of the tape, ready to use: b holds a string's still-escaped
// content or any other value's JSON text. tok is its index on the tape.
type raw struct {
	b    []byte
	kind kind
	esc  bool
	tok  int32
}

// at returns the value of token i.
func (t *tape) at(i int32) raw {
	k := &t.toks[i] // not a copy: fields are read straight from the tape
	return raw{b: t.line[k.start:k.end], kind: k.kind, esc: k.esc, tok: i}
}

// root returns the line's top-level value.
func (t *tape) root() raw { return t.at(0) }

// members iterates over the members of an object.
type members struct {
	t        *tape
	pos, end int32
}

// objectMembers iterates over v's members; none when v is not an object.
func (t *tape) objectMembers(v raw) members {
	if v.kind != kindObject {
		return members{}
	}
	return members{t: t, pos: v.tok + 1, end: t.toks[v.tok].next}
}

// next returns the next member, its key still escaped.
func (m *members) next() (key raw, val raw, ok bool) {
	if m.pos >= m.end {
		return raw{}, raw{}, false
	}
	key = m.t.at(m.pos)
	val = m.t.at(m.pos + 1)
	m.pos = m.t.toks[m.pos+1].next
	return key, val, true
}

// elements iterates over the elements of an array.
type elements struct {
	t        *tape
	pos, end int32
}

func (t *tape) arrayElements(v raw) elements {
	if v.kind != kindArray {
		return elements{}
	}
	return elements{t: t, pos: v.tok + 1, end: t.toks[v.tok].next}
}

func (e *elements) next() (raw, bool) {
	if e.pos >= e.end {
		return raw{}, false
	}
	v := e.t.at(e.pos)
	e.pos = e.t.toks[e.pos].next
	return v, true
}
