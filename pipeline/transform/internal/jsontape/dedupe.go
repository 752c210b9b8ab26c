package jsontape

import "bytes"

// SameKey compares two keys by their decoded text.
func SameKey(a, b Value) bool {
	if !a.Esc && !b.Esc {
		return bytes.Equal(a.Text, b.Text)
	}
	return bytes.Equal(Plain(a), Plain(b))
}

// AppendDeduped writes the raw value v with every object keeping only the
// last of repeated keys (the member encoding/json and MongoDB's own readers
// keep), so that Elasticsearch, which refuses repeated keys, takes the
// document. It is the slow path, used only for lines where the tape saw a
// possible repeat.
func (t *Tape) AppendDeduped(dst []byte, v Value, clean bool) []byte {
	switch v.Kind {
	case KindObject:
		dst = append(dst, '{')
		first := true
		last := t.lastOfKeys(v)
		m := t.Members(v)
		for i := 0; ; i++ {
			key, val, ok := m.Next()
			if !ok {
				break
			}
			if last != nil && last[string(Plain(key))] != i || last == nil && t.keyRepeatedLater(m, key) {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = AppendRawValue(dst, key, clean)
			dst = append(dst, ':')
			dst = t.AppendDeduped(dst, val, clean)
		}
		return append(dst, '}')
	case KindArray:
		dst = append(dst, '[')
		it := t.Elements(v)
		for i := 0; ; i++ {
			el, ok := it.Next()
			if !ok {
				break
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = t.AppendDeduped(dst, el, clean)
		}
		return append(dst, ']')
	}
	return AppendRawValue(dst, v, clean)
}

// keyRepeatedLater reports whether a member after the iterator's position
// has the key k.
func (t *Tape) keyRepeatedLater(m Members, k Value) bool {
	for key, _, ok := m.Next(); ok; key, _, ok = m.Next() {
		if SameKey(key, k) {
			return true
		}
	}
	return false
}

// lastOfKeys maps each key of a large object to the index of its last
// member; nil for objects small enough to compare pairwise.
func (t *Tape) lastOfKeys(obj Value) map[string]int {
	n := 0
	m := t.Members(obj)
	for _, _, ok := m.Next(); ok; _, _, ok = m.Next() {
		n++
	}
	if n <= maxKeysCompared {
		return nil
	}
	last := make(map[string]int, n)
	m = t.Members(obj)
	for i := 0; ; i++ {
		key, _, ok := m.Next()
		if !ok {
			return last
		}
		last[string(Plain(key))] = i
	}
}
