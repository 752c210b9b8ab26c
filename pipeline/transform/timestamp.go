package transform

import (
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/internal/isotime"
)

// parseTime reads an event time in any of the shapes seen: epoch
// milliseconds as a number, ISO 8601 text, and the extended-JSON wrappers
// {"$date": ...} and {"$numberLong": "..."} around either.
func (t *tape) parseTime(v raw) (time.Time, error) {
	switch v.kind {
	case kindNumber:
		return isotime.Millis(v.b)
	case kindString:
		if v.esc {
			return isotime.ParseISO(unescape(nil, v.b))
		}
		return isotime.ParseISO(v.b)
	case kindObject:
		m := t.objectMembers(v)
		key, inner, ok := m.next()
		if !ok {
			break
		}
		if _, _, more := m.next(); more {
			break
		}
		switch {
		case keyIs(key, "$date"):
			return t.parseTime(inner)
		case keyIs(key, "$numberLong") && inner.kind == kindString && !inner.esc:
			return isotime.Millis(inner.b)
		}
	}
	return time.Time{}, isotime.ErrBadTime
}

// stamp keeps the text of the last event.ingested time: lines parsed in
// the same millisecond share it, and formatting a time costs as much as
// writing the rest of the event group.
type stamp struct {
	ms  int64
	n   int // length of the text; 0 before the first use
	buf [32]byte
}

// text returns t (UTC, whole milliseconds) as isotime.Append writes it; the
// result is valid until the next call.
func (s *stamp) text(t time.Time) []byte {
	if ms := t.UnixMilli(); ms != s.ms || s.n == 0 {
		s.n = len(isotime.Append(s.buf[:0], t))
		s.ms = ms
	}
	return s.buf[:s.n]
}
