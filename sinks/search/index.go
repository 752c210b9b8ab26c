package search

import (
	"fmt"
	"time"
)

// Granularity is how much time one index covers.
type Granularity string

// The granularities index_granularity accepts.
const (
	Day   Granularity = "day"
	Month Granularity = "month"
	Year  Granularity = "year"
)

// IndexName returns the index an event of time t belongs in: prefix, a
// dash, and t's UTC date at granularity g ("atlas-streams-audit-2026.11"
// for a month). The name depends only on the event's own time, so an event
// always lands in the same index whenever it is written.
func IndexName(prefix string, g Granularity, t time.Time) string {
	t = t.UTC()
	switch g {
	case Day:
		return fmt.Sprintf("%s-%04d.%02d.%02d", prefix, t.Year(), t.Month(), t.Day())
	case Year:
		return fmt.Sprintf("%s-%04d", prefix, t.Year())
	}
	return fmt.Sprintf("%s-%04d.%02d", prefix, t.Year(), t.Month())
}

// IndexPattern returns the wildcard pattern matching every index of prefix
// ("atlas-streams-audit-*").
func IndexPattern(prefix string) string { return prefix + "-*" }

// indexNamer caches the name of the last period seen: consecutive events
// mostly share one.
type indexNamer struct {
	prefix      string
	granularity Granularity
	lastKey     int
	lastName    string
}

func (n *indexNamer) name(t time.Time) string {
	t = t.UTC()
	key := t.Year()*10000 + int(t.Month())*100 + t.Day()
	switch n.granularity {
	case Year:
		key = t.Year() * 10000
	case Day:
	default:
		key = t.Year()*10000 + int(t.Month())*100
	}
	if key != n.lastKey || n.lastName == "" {
		n.lastKey, n.lastName = key, IndexName(n.prefix, n.granularity, t)
	}
	return n.lastName
}
