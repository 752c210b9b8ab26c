package templates

import (
	"strings"
	"time"
)

// nameLayouts are the date forms index names end with, from the longest
// period to the shortest, each with the step to the period's end.
var nameLayouts = []struct {
	layout string
	end    func(time.Time) time.Time
}{
	{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
	{"2006.01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
	{"2006.01.02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
}

// Period returns the half-open time range [start, end) of the events an
// index of the given prefix holds, read from its name: "<prefix>-2026"
// (a year), "<prefix>-2026.11" (a month) or "<prefix>-2026.11.05" (a day),
// in UTC. ok is false for any other name, which retention never touches.
func Period(prefix, index string) (start, end time.Time, ok bool) {
	suffix, found := strings.CutPrefix(index, prefix+"-")
	if !found {
		return time.Time{}, time.Time{}, false
	}
	for _, nl := range nameLayouts {
		if len(suffix) != len(nl.layout) {
			continue
		}
		t, err := time.ParseInLocation(nl.layout, suffix, time.UTC)
		// The round trip refuses what Parse tolerates.
		if err != nil || t.Format(nl.layout) != suffix {
			return time.Time{}, time.Time{}, false
		}
		return t, nl.end(t), true
	}
	return time.Time{}, time.Time{}, false
}

// Expired reports whether an index holding events up to end (exclusive)
// is past the retention at now: its newest possible event is older than
// the retention. A zero retention never expires anything.
func Expired(end time.Time, retention Age, now time.Time) bool {
	return retention > 0 && !now.Before(end.Add(retention.Duration()))
}
