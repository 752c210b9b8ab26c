package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseTimeArg(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 30, 0, 0, time.UTC)
	cases := map[string]time.Time{
		"2026-11-01":                time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		"2026-11-01T06:00:00Z":      time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC),
		"2026-11-01T08:00:00+02:00": time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC),
		"72h":                       now.Add(-72 * time.Hour),
		"30d":                       now.AddDate(0, 0, -30),
		"2w":                        now.AddDate(0, 0, -14),
		"90m":                       now.Add(-90 * time.Minute),
		"now":                       now,
	}
	for in, want := range cases {
		got, err := parseTimeArg(in, now)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseTimeArg(%q) = %v, %v; want %v UTC", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01", "-5h", "xd", "1.5d"} {
		if _, err := parseTimeArg(bad, now); err == nil {
			t.Errorf("parseTimeArg(%q): no error", bad)
		} else if bad != "" && !strings.Contains(err.Error(), "RFC 3339") {
			t.Errorf("parseTimeArg(%q): unhelpful error %v", bad, err)
		}
	}
}
