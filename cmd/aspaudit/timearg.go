package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// parseTimeArg reads a --from/--to value: RFC 3339, a bare date (UTC
// midnight), "now", or a duration before now ("72h", "30d", "2w").
func parseTimeArg(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("empty time")
	}
	if s == "now" {
		return now.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	if d, err := parseAge(s); err == nil {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2026-11-01T00:00:00Z), a date (2026-11-01) or a duration before now (72h, 30d)", s)
}

// parseAge reads a non-negative duration: "72h", "30d", "2w".
func parseAge(s string) (time.Duration, error) {
	d, err := pipeline.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	return d, nil
}
