package isotime

import (
	"testing"
	"time"
)

func TestParseISO(t *testing.T) {
	want := time.Date(2026, 11, 1, 10, 15, 30, 123e6, time.UTC)
	good := map[string]time.Time{
		"2026-11-01T10:15:30.123Z":             want,
		"2026-11-01T10:15:30.123+00:00":        want,
		"2026-11-01T10:15:30.123+0000":         want,
		"2026-11-01T10:15:30.123+00":           want,
		"2026-11-01T10 : 15 : 30.123 +00 : 00": want,
		" 2026-11-01 T 10:15:30.123Z ":         want,
		"2026-11-01 10:15:30.123Z":             want,
		"2026-11-01t10:15:30.123z":             want,
		"2026-11-01T10:15:30,123Z":             want,
		"2026-11-01T12:15:30.123+0200":         want,
		"2026-11-01T05:45:30.123-04:30":        want,
		"2026-11-01T10:15:30.123":              want,
		"2026-11-01T10:15Z":                    want.Truncate(time.Minute),
		"2026-11-01T10:15:30Z":                 want.Truncate(time.Second),
		"2026-11-01T10:15:30.123456789123Z":    want.Add(456789 * time.Nanosecond),
		"2024-02-29T00:00:00Z":                 time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		"2026-11-01T00:30:00+01:00":            time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC),
	}
	for in, w := range good {
		got, err := ParseISO([]byte(in))
		if err != nil || !got.Equal(w) || got.Location() != time.UTC {
			t.Errorf("ParseISO(%q) = %v, %v; want %v", in, got, err, w)
		}
	}
	for _, in := range []string{"", "yesterday", "2026-11-01", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
		"2026-11-01T24:00:00Z", "2026-11-01T10:60:00Z", "2026-11-01T10:15:30.Z", "2026-11-01T10:15:30+2500",
		"2026-11-01T10:15:30Zjunk", "26-11-01T10:15:30Z", "2026-11-01T10:15:30 UTC", "2026/11/01T10:15:30Z"} {
		if got, err := ParseISO([]byte(in)); err == nil {
			t.Errorf("ParseISO(%q) = %v, want an error", in, got)
		}
	}
}

func TestAppendTime(t *testing.T) {
	tests := map[time.Time]string{
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC):          "2026-01-02T03:04:05.000Z",
		time.Date(2026, 1, 2, 3, 4, 5, 7e6, time.UTC):        "2026-01-02T03:04:05.007Z",
		time.Date(2026, 1, 2, 3, 4, 5, 123456, time.UTC):     "2026-01-02T03:04:05.000123456Z",
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC):             "0001-01-01T00:00:00.000Z",
		time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC): "9999-12-31T23:59:59.999Z",
	}
	for in, want := range tests {
		if got := string(Append(nil, in)); got != want {
			t.Errorf("Append(%v) = %s, want %s", in, got, want)
		}
		if back, err := time.Parse(time.RFC3339Nano, want); err != nil || !back.Equal(in) {
			t.Errorf("%s does not parse back to %v: %v", want, in, err)
		}
	}
}
