package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
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

// parseAge reads a Go duration or a whole number of days ("30d") or
// weeks ("2w").
func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		return unitAge(n, 24*time.Hour)
	}
	if n, ok := strings.CutSuffix(s, "w"); ok {
		return unitAge(n, 7*24*time.Hour)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	return d, nil
}

func unitAge(n string, unit time.Duration) (time.Duration, error) {
	v, err := strconv.Atoi(n)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a whole number", n)
	}
	return time.Duration(v) * unit, nil
}
