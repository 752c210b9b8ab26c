//go:build goexperiment.jsonv2

package transform

import (
	jsonv2 "encoding/json/v2"
	"testing"
	"time"
)

// encoding/json/v2 needs GOEXPERIMENT=jsonv2 in Go 1.26, which the build
// cannot require, so these figures are for comparison only:
//
//	GOEXPERIMENT=jsonv2 go test -run XXX -bench AltJSONv2 -benchmem -cpu 1 ./pipeline/transform/
//
// With the experiment on, encoding/json itself runs on the v2 engine, so
// BenchmarkAltStdlib* then measure v1's API over the v2 implementation.

func BenchmarkAltJSONv2Typed(b *testing.B) {
	m := startMeter(b)
	for i := 0; i < b.N; i++ {
		line := benchLines[i%len(benchLines)]
		var l altLine
		if err := jsonv2.Unmarshal(line, &l); err != nil {
			b.Fatal(err)
		}
		var d altDoc
		d.fill(&l, line, time.Now())
		if _, err := jsonv2.Marshal(&d); err != nil {
			b.Fatal(err)
		}
		DocumentID(benchWindow.ProjectID, benchWindow.Workspace, line)
	}
	m.report(b)
}

func BenchmarkAltJSONv2Map(b *testing.B) {
	m := startMeter(b)
	for i := 0; i < b.N; i++ {
		line := benchLines[i%len(benchLines)]
		var l map[string]any
		if err := jsonv2.Unmarshal(line, &l); err != nil {
			b.Fatal(err)
		}
		if _, err := jsonv2.Marshal(mapDoc(l, line)); err != nil {
			b.Fatal(err)
		}
		DocumentID(benchWindow.ProjectID, benchWindow.Workspace, line)
	}
	m.report(b)
}
