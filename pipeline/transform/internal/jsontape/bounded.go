package jsontape

import "unicode/utf8"

// Bounds of what a flattened field (Elasticsearch flattened, OpenSearch
// flat_object) is given to index. OpenSearch's flat_object takes no
// ignore_above and refuses a whole document holding a term over Lucene's
// 32,766 bytes (a value, or path=value); Elasticsearch refuses keys that
// long and objects deeper than the mapping's depth_limit. Values past
// these bounds are cut in the indexed copy, the event is marked
// (aspaudit.truncated_fields) and keeps the whole line in event.original.
const (
	// MaxFlatString bounds a string leaf, in bytes of its escaped JSON
	// text (never fewer than its decoded bytes or characters): under the
	// mapping's ignore_above on Elasticsearch and far under Lucene's limit
	// with any path on OpenSearch.
	MaxFlatString = 8191
	// MaxFlatKey bounds a member's key; longer members are left out (a
	// cut key could repeat a sibling's).
	MaxFlatKey = 1024
	// MaxFlatDepth bounds nesting (objects and arrays) below the field;
	// deeper values are kept as their JSON text, cut to MaxFlatString.
	MaxFlatDepth = 64
)

// flatFits reports cheaply that v, at depth below its field, surely holds
// nothing past the bounds: a short value (no long string or key) with few
// tokens (not deep).
func (t *Tape) flatFits(v Value, depth int) bool {
	return len(v.Text) <= MaxFlatString && depth+int(t.toks[v.tok].next-v.tok) < MaxFlatDepth
}

// FlatWithin reports whether v, at depth below its field, is within the
// bounds, so that it needs no cut.
func (t *Tape) FlatWithin(v Value, depth int) bool {
	if t.flatFits(v, depth) {
		return true
	}
	switch v.Kind {
	case KindObject:
		if depth >= MaxFlatDepth {
			return false
		}
		m := t.Members(v)
		for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
			if len(key.Text) > MaxFlatKey || !t.FlatWithin(val, depth+1) {
				return false
			}
		}
	case KindArray:
		if depth >= MaxFlatDepth {
			return false
		}
		it := t.Elements(v)
		for el, ok := it.Next(); ok; el, ok = it.Next() {
			if !t.FlatWithin(el, depth+1) {
				return false
			}
		}
	case KindString:
		return len(v.Text) <= MaxFlatString
	}
	return true
}

// AppendBounded writes v as AppendDeduped does (without repeated keys
// when the line may repeat them), cutting what is past the bounds.
func (t *Tape) AppendBounded(dst []byte, v Value, clean bool, depth int) []byte {
	switch v.Kind {
	case KindObject, KindArray:
		if depth >= MaxFlatDepth {
			return appendCutText(dst, v.Text)
		}
		if v.Kind == KindArray {
			return t.appendBoundedArray(dst, v, clean, depth)
		}
		return t.appendBoundedObject(dst, v, clean, depth)
	case KindString:
		if len(v.Text) > MaxFlatString {
			v.Text = cutEscaped(v.Text, MaxFlatString)
		}
	}
	return AppendRawValue(dst, v, clean)
}

func (t *Tape) appendBoundedObject(dst []byte, v Value, clean bool, depth int) []byte {
	dst = append(dst, '{')
	var last map[string]int
	if t.DupKeys {
		last = t.lastOfKeys(v)
	}
	first := true
	m := t.Members(v)
	for i := 0; ; i++ {
		key, val, ok := m.Next()
		if !ok {
			break
		}
		if len(key.Text) > MaxFlatKey {
			continue
		}
		if t.DupKeys && (last != nil && last[string(Plain(key))] != i || last == nil && t.keyRepeatedLater(m, key)) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = AppendRawValue(dst, key, clean)
		dst = append(dst, ':')
		dst = t.AppendBounded(dst, val, clean, depth+1)
	}
	return append(dst, '}')
}

func (t *Tape) appendBoundedArray(dst []byte, v Value, clean bool, depth int) []byte {
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
		dst = t.AppendBounded(dst, el, clean, depth+1)
	}
	return append(dst, ']')
}

// appendCutText writes JSON text too deep to index as a string holding its
// first MaxFlatString bytes (cut at a character boundary).
func appendCutText(dst, text []byte) []byte {
	if len(text) > MaxFlatString {
		n := MaxFlatString
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	dst = append(dst, '"')
	dst = AppendStringContent(dst, text)
	return append(dst, '"')
}

// cutEscaped returns the longest prefix of the still-escaped string
// content b within max bytes that ends between characters: never inside
// an escape, a UTF-8 sequence or a surrogate pair.
func cutEscaped(b []byte, max int) []byte {
	end, i := 0, 0
	for i < len(b) {
		step := 1
		switch c := b[i]; {
		case c == '\\' && i+1 < len(b) && b[i+1] == 'u':
			step = 6
			if r := decodeHex4(b[i+2:]); r >= 0xd800 && r < 0xdc00 && i+12 <= len(b) && b[i+6] == '\\' {
				step = 12 // a surrogate pair stays whole
			}
		case c == '\\':
			step = 2
		case c >= utf8.RuneSelf:
			_, step = utf8.DecodeRune(b[i:])
		}
		if i+step > max {
			break
		}
		i += step
		end = i
	}
	return b[:end]
}
