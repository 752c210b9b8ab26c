package jsontape

import (
	"math"
	"strconv"
)

// KeyIs reports whether the still-escaped string content k decodes to s.
func KeyIs(k Value, s string) bool {
	if !k.Esc {
		return string(k.Text) == s
	}
	var buf [64]byte
	return string(Unescape(buf[:0], k.Text)) == s
}

// Plain returns the decoded bytes of a string value, decoding only when the
// content holds escapes.
func Plain(v Value) []byte {
	if !v.Esc {
		return v.Text
	}
	return Unescape(nil, v.Text)
}

// Int reads an integer given as a JSON number (integral) or wrapped
// as {"$numberInt"|"$numberLong"|"$numberDouble": "..."}.
func (t *Tape) Int(v Value) (int64, bool) {
	switch v.Kind {
	case KindNumber:
		return parseInt(v.Text)
	case KindObject:
		m := t.Members(v)
		key, inner, ok := m.Next()
		if !ok || inner.Kind != KindString || inner.Esc {
			return 0, false
		}
		if _, _, more := m.Next(); more {
			return 0, false
		}
		if KeyIs(key, "$numberInt") || KeyIs(key, "$numberLong") || KeyIs(key, "$numberDouble") {
			return parseInt(inner.Text)
		}
	}
	return 0, false
}

func parseInt(b []byte) (int64, bool) {
	if n, ok := parseSmallInt(b); ok {
		return n, true
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// Excerpt returns the start of a value's JSON text for an error message.
func Excerpt(v Value) string {
	b := v.Text
	const max = 64
	if len(b) > max {
		b = b[:max]
	}
	if v.Kind == KindString {
		return `"` + string(b) + `"`
	}
	return string(b)
}

// parseSmallInt reads an optionally negative decimal integer of at most 18
// digits, the shape of nearly every number in an audit line, without
// strconv's generality.
func parseSmallInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
