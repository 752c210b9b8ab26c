package jsonbench

import (
	"testing"

	"github.com/minio/simdjson-go"
)

// BenchmarkDecodeOnlySimdjson is minio/simdjson-go's parse (it validates
// the line) and the field lookups of the other decode-only rows; it has no
// encoder, so nothing is written.
func BenchmarkDecodeOnlySimdjson(b *testing.B) {
	if !simdjson.SupportedCPU() {
		b.Skip("simdjson-go needs AVX2 and CLMUL")
	}
	var pj *simdjson.ParsedJson
	var elem *simdjson.Element
	paths := [][]string{{"class_uid"}, {"time"}, {"actor", "user", "name"}, {"src_endpoint", "ip"}, {"api"}, {"unmapped"},
		{"atype"}, {"ts", "$date"}, {"remote", "ip"}, {"param"}}
	run(b, func(raw []byte) {
		var err error
		pj, err = simdjson.Parse(raw, pj)
		if err != nil {
			b.Fatal(err)
		}
		it := pj.Iter()
		it.Advance()
		for _, p := range paths {
			elem, _ = it.FindElement(elem, p...)
		}
	})
}
