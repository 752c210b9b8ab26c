package transform

import (
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/internal/isotime"
)

// parseTime reads an event time in any of the shapes seen: epoch
// milliseconds as a number, ISO 8601 text, and the extended-JSON wrappers
// {"$date": ...} and {"$numberLong": "..."} around either.
func (t *tape) parseTime(v raw) (time.Time, error) {
	switch v.Kind {
	case jsontape.KindNumber:
		return isotime.Millis(v.Text)
	case jsontape.KindString:
		if v.Esc {
			return isotime.ParseISO(jsontape.Unescape(nil, v.Text))
		}
		return isotime.ParseISO(v.Text)
	case jsontape.KindObject:
		m := t.Members(v)
		key, inner, ok := m.Next()
		if !ok {
			break
		}
		if _, _, more := m.Next(); more {
			break
		}
		switch {
		case jsontape.KeyIs(key, "$date"):
			return t.parseTime(inner)
		case jsontape.KeyIs(key, "$numberLong") && inner.Kind == jsontape.KindString && !inner.Esc:
			return isotime.Millis(inner.Text)
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
