//go:build goexperiment.jsonv2

package libpath

import (
	jsonv1 "encoding/json"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
)

// JSONv2 is encoding/json/v2, told to take what encoding/json takes:
// repeated names (the last wins) and invalid UTF-8 (replaced), and to
// omit empty members as v1 does.
type JSONv2 struct{}

// Unmarshal decodes with encoding/json/v2.
func (JSONv2) Unmarshal(data []byte, v any) error {
	return jsonv2.Unmarshal(data, v, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
}

// Marshal encodes with encoding/json/v2.
func (JSONv2) Marshal(v any) ([]byte, error) {
	return jsonv2.Marshal(v, jsonv1.OmitEmptyWithLegacySemantics(true), jsontext.AllowInvalidUTF8(true))
}

func init() { Codecs["jsonv2"] = JSONv2{} }
