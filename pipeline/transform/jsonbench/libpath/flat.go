package libpath

import "unicode/utf8"

// The bounds of a flattened field, as the transform sets them.
const (
	maxFlatString = 8191
	maxFlatKey    = 1024
	maxFlatDepth  = 64
)

// flattener turns a free-form value into what a flattened field is given:
// every object decoded by the library into its members (a repeated key
// keeps its last member), leaves kept as their JSON text, or, when the
// line needs repair (invalid UTF-8, escaped surrogates), strings decoded
// by the library, which writes the replacement character. Values past the
// bounds are cut and reported.
type flattener struct {
	reader
	clean bool
	cut   bool
}

// value returns v at depth below its field.
func (f *flattener) value(v raw, depth int) any {
	switch {
	case len(v) == 0:
		return nil
	case v[0] == '{' || v[0] == '[':
		if depth >= maxFlatDepth {
			f.cut = true
			return cutText(v)
		}
		if v[0] == '[' {
			els, _ := f.array(v)
			out := make([]any, len(els))
			for i, el := range els {
				out[i] = f.value(el, depth+1)
			}
			return out
		}
		m, _ := f.object(v)
		out := make(map[string]any, len(m))
		for k, val := range m {
			if len(k) > maxFlatKey {
				f.cut = true
				continue
			}
			out[k] = f.value(val, depth+1)
		}
		return out
	case v[0] == '"':
		if len(v)-2 > maxFlatString {
			f.cut = true
			v = append(append(raw{'"'}, cutEscaped(v[1:len(v)-1], maxFlatString)...), '"')
		}
		if !f.clean {
			s, _ := f.str(v)
			return s
		}
	}
	return v
}

// cutText is the JSON text of a value too deep to index, as a string of
// its first maxFlatString bytes.
func cutText(text raw) string {
	if len(text) > maxFlatString {
		n := maxFlatString
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	return string(text)
}

// cutEscaped returns the longest prefix of the escaped string content b
// within max bytes that ends between characters.
func cutEscaped(b []byte, max int) []byte {
	end, i := 0, 0
	for i < len(b) {
		step := 1
		switch c := b[i]; {
		case c == '\\' && i+1 < len(b) && b[i+1] == 'u':
			step = 6
			if r := hex4(b[i+2:]); r >= 0xd800 && r < 0xdc00 && i+12 <= len(b) && b[i+6] == '\\' {
				step = 12
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

func hex4(h []byte) rune {
	var v rune
	for _, c := range h[:4] {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			v |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			v |= rune(c-'A') + 10
		}
	}
	return v
}
