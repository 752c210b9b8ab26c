package search

import (
	"strconv"
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
	b := make([]byte, 0, len(prefix)+11)
	b = append(append(b, prefix...), '-')
	b = appendDigits(b, t.Year(), 4)
	if g == Year {
		return string(b)
	}
	b = appendDigits(append(b, '.'), int(t.Month()), 2)
	if g == Day {
		b = appendDigits(append(b, '.'), t.Day(), 2)
	}
	return string(b)
}

// appendDigits appends n zero-padded to width digits.
func appendDigits(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// IndexPattern returns the wildcard pattern matching every index of prefix
// ("atlas-streams-audit-*").
func IndexPattern(prefix string) string { return prefix + "-*" }

// indexNamer names the indices of one batch, remembering the names it
// made: a batch spans few periods.
type indexNamer struct {
	prefix      string
	granularity Granularity
	names       map[int]string
}

func (n *indexNamer) name(t time.Time) string {
	t = t.UTC()
	key := t.Year() * 10000
	switch n.granularity {
	case Day:
		key += int(t.Month())*100 + t.Day()
	case Month:
		key += int(t.Month()) * 100
	}
	if name, ok := n.names[key]; ok {
		return name
	}
	if n.names == nil {
		n.names = make(map[int]string, 4)
	}
	name := IndexName(n.prefix, n.granularity, t)
	n.names[key] = name
	return name
}
