package goccypath

import (
	"bytes"
	"math"
	"strconv"

	gojson "github.com/goccy/go-json"
)

// raw is one JSON value of the line as the library hands it over.
type raw = gojson.RawMessage

// object decodes an object's members; ok is false for any other value.
func object(v raw) (map[string]raw, bool) {
	if len(v) == 0 || v[0] != '{' {
		return nil, false
	}
	var m map[string]raw
	if gojson.Unmarshal(v, &m) != nil {
		return nil, false
	}
	return m, true
}

// array decodes an array's elements; ok is false for any other value.
func array(v raw) ([]raw, bool) {
	if len(v) == 0 || v[0] != '[' {
		return nil, false
	}
	var a []raw
	if gojson.Unmarshal(v, &a) != nil {
		return nil, false
	}
	return a, true
}

// str decodes a string value.
func str(v raw) (string, bool) {
	if len(v) == 0 || v[0] != '"' {
		return "", false
	}
	var s string
	if gojson.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

// escaped reports whether a string value holds backslash escapes.
func escaped(v raw) bool { return bytes.IndexByte(v, '\\') >= 0 }

func isNumber(v raw) bool { return len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9') }

func isNull(v raw) bool { return len(v) == 0 || v[0] == 'n' }

// intValue reads an integral number, or one wrapped as
// {"$numberInt"|"$numberLong"|"$numberDouble": "..."}.
func intValue(v raw) (int64, bool) {
	if isNumber(v) {
		var n gojson.Number
		if gojson.Unmarshal(v, &n) != nil {
			return 0, false
		}
		return parseInt(string(n))
	}
	m, ok := object(v)
	if !ok || len(m) != 1 {
		return 0, false
	}
	for k, inner := range m {
		if k != "$numberInt" && k != "$numberLong" && k != "$numberDouble" || escaped(inner) {
			return 0, false
		}
		s, ok := str(inner)
		if !ok {
			return 0, false
		}
		return parseInt(s)
	}
	return 0, false
}

func parseInt(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}
