package transform

import "unicode/utf8"

// Bounds of what a flattened field (Elasticsearch flattened, OpenSearch
// flat_object) is given to index. OpenSearch's flat_object takes no
// ignore_above and refuses a whole document holding a term over Lucene's
// 32,766 bytes (a value, or path=value); Elasticsearch refuses keys that
// long and objects deeper than the mapping's depth_limit. Values past
// these bounds are cut in the indexed copy, the event is marked
// (aspaudit.truncated_fields) and keeps the whole line in event.original.
const (
	// maxFlatString bounds a string leaf, in bytes of its escaped JSON
	// text (never fewer than its decoded bytes or characters): under the
	// mapping's ignore_above on Elasticsearch and far under Lucene's limit
	// with any path on OpenSearch.
	maxFlatString = 8191
	// maxFlatKey bounds a member's key; longer members are left out (a
	// cut key could repeat a sibling's).
	maxFlatKey = 1024
	// maxFlatDepth bounds nesting (objects and arrays) below the field;
	// deeper values are kept as their JSON text, cut to maxFlatString.
	maxFlatDepth = 64
)

// flatFits reports cheaply that v, at depth below its field, surely holds
// nothing past the bounds: a short value (no long string or key) with few
// tokens (not deep).
func (t *tape) flatFits(v raw, depth int) bool {
	return len(v.b) <= maxFlatString && depth+int(t.toks[v.tok].next-v.tok) < maxFlatDepth
}

// flatWithin reports whether v, at depth below its field, is within the
// bounds, so that it needs no cut.
func (t *tape) flatWithin(v raw, depth int) bool {
	if t.flatFits(v, depth) {
		return true
	}
	switch v.kind {
	case kindObject:
		if depth >= maxFlatDepth {
			return false
		}
		m := t.objectMembers(v)
		for key, val, ok := m.next(); ok; key, val, ok = m.next() {
			if len(key.b) > maxFlatKey || !t.flatWithin(val, depth+1) {
				return false
			}
		}
	case kindArray:
		if depth >= maxFlatDepth {
			return false
		}
		it := t.arrayElements(v)
		for el, ok := it.next(); ok; el, ok = it.next() {
			if !t.flatWithin(el, depth+1) {
				return false
			}
		}
	case kindString:
		return len(v.b) <= maxFlatString
	}
	return true
}

// appendBounded writes v as appendDeduped does (without repeated keys
// when the line may repeat them), cutting what is past the bounds.
func (t *tape) appendBounded(dst []byte, v raw, clean bool, depth int) []byte {
	switch v.kind {
	case kindObject, kindArray:
		if depth >= maxFlatDepth {
			return appendCutText(dst, v.b)
		}
		if v.kind == kindArray {
			return t.appendBoundedArray(dst, v, clean, depth)
		}
		return t.appendBoundedObject(dst, v, clean, depth)
	case kindString:
		if len(v.b) > maxFlatString {
			v.b = cutEscaped(v.b, maxFlatString)
		}
	}
	return appendRawValue(dst, v, clean)
}

func (t *tape) appendBoundedObject(dst []byte, v raw, clean bool, depth int) []byte {
	dst = append(dst, '{')
	var last map[string]int
	if t.dupKeys {
		last = t.lastOfKeys(v)
	}
	first := true
	m := t.objectMembers(v)
	for i := 0; ; i++ {
		key, val, ok := m.next()
		if !ok {
			break
		}
		if len(key.b) > maxFlatKey {
			continue
		}
		if t.dupKeys && (last != nil && last[string(plain(key))] != i || last == nil && t.keyRepeatedLater(m, key)) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendRawValue(dst, key, clean)
		dst = append(dst, ':')
		dst = t.appendBounded(dst, val, clean, depth+1)
	}
	return append(dst, '}')
}

func (t *tape) appendBoundedArray(dst []byte, v raw, clean bool, depth int) []byte {
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
		dst = t.appendBounded(dst, el, clean, depth+1)
	}
	return append(dst, ']')
}

// appendCutText writes JSON text too deep to index as a string holding its
// first maxFlatString bytes (cut at a character boundary).
func appendCutText(dst, text []byte) []byte {
	if len(text) > maxFlatString {
		n := maxFlatString
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	dst = append(dst, '"')
	dst = appendStringContent(dst, text)
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

// flatField names the flattened fields of the document, for cutting.
type flatField uint8

const (
	flatParam flatField = iota
	flatMongoExtra
	flatRequest
	flatResponse
	flatMetadata
	flatUnmapped
	flatOCSFExtra
)

var flatPaths = [...]string{
	flatParam: "mongodb.audit.param", flatMongoExtra: "mongodb.audit.extra",
	flatRequest: "ocsf.api.request", flatResponse: "ocsf.api.response",
	flatMetadata: "ocsf.metadata", flatUnmapped: "ocsf.unmapped", flatOCSFExtra: "ocsf.extra",
}

// planCuts finds the flattened fields of r that hold values past the
// bounds, before anything is written (the event then keeps its original).
func (t *tape) planCuts(r *record) (cut uint8) {
	check := func(f flatField, v raw) {
		depth := 1 // a value that is not an object is wrapped in {"_value": v}
		if v.kind == kindObject {
			depth = 0
		}
		if v.kind != kindNone && !t.flatWithin(v, depth) {
			cut |= 1 << f
		}
	}
	extra := flatOCSFExtra
	if r.schema == "mongo" {
		check(flatParam, r.mongo.param)
		extra = flatMongoExtra
	} else {
		check(flatRequest, r.ocsf.apiRequest)
		check(flatResponse, r.ocsf.apiResponse)
		check(flatMetadata, r.ocsf.metadata)
		check(flatUnmapped, r.ocsf.unmapped)
	}
	for _, m := range r.extra {
		if len(m.key.b) > maxFlatKey || !t.flatWithin(m.val, 1) {
			cut |= 1 << extra
		}
	}
	return cut
}

// encodeCuts writes aspaudit.truncated_fields: the flattened fields cut.
func (w *docWriter) encodeCuts() {
	if w.cut == 0 {
		return
	}
	w.open("aspaudit")
	w.key("truncated_fields")
	w.put('[')
	first := true
	for f, path := range flatPaths {
		if w.cut&(1<<f) == 0 {
			continue
		}
		if !first {
			w.put(',')
		}
		first = false
		w.put('"')
		w.puts(path)
		w.put('"')
	}
	w.put(']')
	w.close()
}
