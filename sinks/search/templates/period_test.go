package templates

import (
	"testing"
	"time"
)

func TestPeriod(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name       string
		start, end time.Time
		ok         bool
	}{
		{"audit-2026", d(2026, 1, 1), d(2027, 1, 1), true},
		{"audit-2026.11", d(2026, 11, 1), d(2026, 12, 1), true},
		{"audit-2026.12", d(2026, 12, 1), d(2027, 1, 1), true},
		{"audit-2024.02.29", d(2024, 2, 29), d(2024, 3, 1), true},
		{"audit-2026.13", time.Time{}, time.Time{}, false},
		{"audit-2026.1", time.Time{}, time.Time{}, false},
		{"audit-2025.02.29", time.Time{}, time.Time{}, false},
		{"audit-2026.11-000001", time.Time{}, time.Time{}, false},
		{"audit-x-2026.11", time.Time{}, time.Time{}, false},
		{"audit2026.11", time.Time{}, time.Time{}, false},
		{"other-2026.11", time.Time{}, time.Time{}, false},
		{"audit-state", time.Time{}, time.Time{}, false},
	}
	for _, c := range cases {
		start, end, ok := Period("audit", c.name)
		if ok != c.ok || !start.Equal(c.start) || !end.Equal(c.end) {
			t.Errorf("Period(%q) = %s, %s, %v; want %s, %s, %v", c.name, start, end, ok, c.start, c.end, c.ok)
		}
	}
}

func TestExpired(t *testing.T) {
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ret := Age(30 * Day)
	deadline := end.Add(30 * Day)
	if Expired(end, ret, deadline.Add(-time.Millisecond)) {
		t.Error("expired before the newest event is 30 days old")
	}
	if !Expired(end, ret, deadline) {
		t.Error("not expired when the newest event is 30 days old")
	}
	if Expired(end, 0, end.AddDate(100, 0, 0)) {
		t.Error("a zero retention expired an index")
	}
}
