package transform

import "bytes"

// sameKey compares two keys by their decoded text.
func sameKey(a, b raw) bool {
	if !a.esc && !b.esc {
		return bytes.Equal(a.b, b.b)
	}
	return bytes.Equal(plain(a), plain(b))
}

// appendDeduped writes the raw value v with every object keeping only the
// last of repeated keys (the member encoding/json and MongoDB's own readers
// keep), so that Elasticsearch, which refuses repeated keys, takes the
// document. It is the slow path, used only for lines where the tape saw a
// possible repeat.
func (t *tape) appendDeduped(dst []byte, v raw, clean bool) []byte {
	switch v.kind {
	case kindObject:
		dst = append(dst, '{')
		first := true
		last := t.lastOfKeys(v)
		m := t.objectMembers(v)
		for i := 0; ; i++ {
			key, val, ok := m.next()
			if !ok {
				break
			}
			if last != nil && last[string(plain(key))] != i || last == nil && t.keyRepeatedLater(m, key) {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendRawValue(dst, key, clean)
			dst = append(dst, ':')
			dst = t.appendDeduped(dst, val, clean)
		}
		return append(dst, '}')
	case kindArray:
		dst = append(dst, '[')
		it := t.arrayElements(v)
		for i := 0; ; i++ {
			el, ok := it.next()
			if !ok {
				break
			}
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = t.appendDeduped(dst, el, clean)
		}
		return append(dst, ']')
	}
	return appendRawValue(dst, v, clean)
}

// keyRepeatedLater reports whether a member after the iterator's position
// has the key k.
func (t *tape) keyRepeatedLater(m members, k raw) bool {
	for key, _, ok := m.next(); ok; key, _, ok = m.next() {
		if sameKey(key, k) {
			return true
		}
	}
	return false
}

// lastOfKeys maps each key of a large object to the index of its last
// member; nil for objects small enough to compare pairwise.
func (t *tape) lastOfKeys(obj raw) map[string]int {
	n := 0
	m := t.objectMembers(obj)
	for _, _, ok := m.next(); ok; _, _, ok = m.next() {
		n++
	}
	if n <= maxKeysCompared {
		return nil
	}
	last := make(map[string]int, n)
	m = t.objectMembers(obj)
	for i := 0; ; i++ {
		key, _, ok := m.next()
		if !ok {
			return last
		}
		last[string(plain(key))] = i
	}
}
