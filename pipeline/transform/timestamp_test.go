package transform

import (
	"testing"
	"time"
)

func TestParseTimeShapes(t *testing.T) {
	want := time.Date(2026, 11, 1, 10, 15, 30, 123e6, time.UTC)
	for _, in := range []string{`1793528130123`, `"2026-11-01T10:15:30.123Z"`, `{"$date":"2026-11-01T10:15:30.123+0000"}`,
		`{"$date":1793528130123}`, `{"$date":{"$numberLong":"1793528130123"}}`, `{"$numberLong":"1793528130123"}`,
		`1793528130123.0`, `{ "$date" : "2026-11-01T10:15:30.123Z" }`} {
		var tp tape
		if err := tp.Parse([]byte(in)); err != nil {
			t.Fatal(err)
		}
		got, err := tp.parseTime(tp.Root())
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%s) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{`true`, `null`, `{}`, `{"$date":"x"}`, `{"$date":1,"x":2}`, `1e300`, `-1e17`, `"1793528130123"`, `[1]`} {
		var tp tape
		if err := tp.Parse([]byte(in)); err != nil {
			t.Fatal(err)
		}
		if got, err := tp.parseTime(tp.Root()); err == nil {
			t.Errorf("parseTime(%s) = %v, want an error", in, got)
		}
	}
}
