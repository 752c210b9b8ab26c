package pipeline

import (
	"slices"
	"time"
)

// Range is a half-open time range [Start, End).
type Range struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Empty reports whether the range holds no instant.
func (r Range) Empty() bool { return !r.Start.Before(r.End) }

// Coverage is the set of time ranges of one series known to be fully stored:
// sorted by start, non-overlapping, with touching ranges merged. The zero
// value is empty coverage. Methods never modify the receiver.
type Coverage []Range

// Add returns the coverage with r added.
func (c Coverage) Add(r Range) Coverage {
	if r.Empty() {
		return c
	}
	out := make(Coverage, 0, len(c)+1)
	for _, x := range c {
		switch {
		case x.End.Before(r.Start):
			out = append(out, x)
		case r.End.Before(x.Start):
			out = append(out, r)
			r = x
		default:
			if x.Start.Before(r.Start) {
				r.Start = x.Start
			}
			if x.End.After(r.End) {
				r.End = x.End
			}
		}
	}
	return append(out, r)
}

// Missing returns the parts of r that the coverage does not hold, in order.
func (c Coverage) Missing(r Range) []Range {
	var out []Range
	cur := r.Start
	for _, x := range c {
		if !x.End.After(cur) {
			continue
		}
		if !x.Start.Before(r.End) {
			break
		}
		if x.Start.After(cur) {
			out = append(out, Range{Start: cur, End: x.Start})
		}
		cur = x.End
		if !cur.Before(r.End) {
			return out
		}
	}
	if cur.Before(r.End) {
		out = append(out, Range{Start: cur, End: r.End})
	}
	return out
}

// Covers reports whether every instant of r is covered.
func (c Coverage) Covers(r Range) bool { return len(c.Missing(r)) == 0 }

// Last returns the end of the latest covered range, or the zero time.
func (c Coverage) Last() time.Time {
	if len(c) == 0 {
		return time.Time{}
	}
	return c[len(c)-1].End
}

// Normalize sorts and merges arbitrary ranges into a Coverage, dropping
// empty ones. Use it on ranges read back from storage.
func Normalize(ranges []Range) Coverage {
	rs := slices.Clone(ranges)
	slices.SortFunc(rs, func(a, b Range) int { return a.Start.Compare(b.Start) })
	var c Coverage
	for _, r := range rs {
		c = c.Add(r)
	}
	return c
}
