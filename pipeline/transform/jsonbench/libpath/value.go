package libpath

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"
)

// raw is one JSON value of the line as the library hands it over.
type raw = json.RawMessage

// Codec is the JSON library a parser uses: Unmarshal and Marshal with
// encoding/json's meaning.
type Codec interface {
	Unmarshal(data []byte, v any) error
	Marshal(v any) ([]byte, error)
}

// Goccy is goccy/go-json (HTML characters left unescaped: the same JSON).
type Goccy struct{}

// Unmarshal decodes with goccy/go-json.
func (Goccy) Unmarshal(data []byte, v any) error { return gojson.Unmarshal(data, v) }

// Marshal encodes with goccy/go-json.
func (Goccy) Marshal(v any) ([]byte, error) {
	return gojson.MarshalWithOption(v, gojson.DisableHTMLEscape())
}

// Stdlib is encoding/json.
type Stdlib struct{}

// Unmarshal decodes with encoding/json.
func (Stdlib) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// Marshal encodes with encoding/json.
func (Stdlib) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// reader decodes parts of a line with the parser's library.
type reader struct{ lib Codec }

// object decodes an object's members; ok is false for any other value.
func (d reader) object(v raw) (map[string]raw, bool) {
	if len(v) == 0 || v[0] != '{' {
		return nil, false
	}
	var m map[string]raw
	if d.lib.Unmarshal(v, &m) != nil {
		return nil, false
	}
	return m, true
}

// array decodes an array's elements; ok is false for any other value.
func (d reader) array(v raw) ([]raw, bool) {
	if len(v) == 0 || v[0] != '[' {
		return nil, false
	}
	var a []raw
	if d.lib.Unmarshal(v, &a) != nil {
		return nil, false
	}
	return a, true
}

// str decodes a string value.
func (d reader) str(v raw) (string, bool) {
	if len(v) == 0 || v[0] != '"' {
		return "", false
	}
	var s string
	if d.lib.Unmarshal(v, &s) != nil {
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
func (d reader) intValue(v raw) (int64, bool) {
	if isNumber(v) {
		return parseInt(string(v)) // a number's value is its text
	}
	m, ok := d.object(v)
	if !ok || len(m) != 1 {
		return 0, false
	}
	for k, inner := range m {
		if k != "$numberInt" && k != "$numberLong" && k != "$numberDouble" || escaped(inner) {
			return 0, false
		}
		s, ok := d.str(inner)
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

// Sonic is bytedance/sonic in its encoding/json-compatible configuration
// (strings validated, map keys sorted).
type Sonic struct{}

// Unmarshal decodes with sonic.
func (Sonic) Unmarshal(data []byte, v any) error { return sonic.ConfigStd.Unmarshal(data, v) }

// Marshal encodes with sonic.
func (Sonic) Marshal(v any) ([]byte, error) { return sonic.ConfigStd.Marshal(v) }

// Codecs are the libraries this toolchain builds, by name.
var Codecs = map[string]Codec{"goccy": Goccy{}, "stdlib": Stdlib{}, "sonic": Sonic{}}
