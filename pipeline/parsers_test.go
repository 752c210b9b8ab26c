package pipeline

import "testing"

type namedParser string

func (n namedParser) Parse(line []byte, w Window) (Event, error) {
	return Event{ID: string(n) + ":" + string(line)}, nil
}

func TestParsersRouteByLogType(t *testing.T) {
	p := Parsers{AuditLog: namedParser("audit"), OperationalLog: namedParser("ops")}
	for _, tc := range []struct {
		t    LogType
		want string
	}{{AuditLog, "audit:x"}, {OperationalLog, "ops:x"}, {LogType("future"), "audit:x"}} {
		e, _ := p.Parse([]byte("x"), Window{Series: Series{LogType: tc.t}})
		if e.ID != tc.want || e.LogType != tc.t {
			t.Fatalf("%q: event %+v, want id %q", tc.t, e, tc.want)
		}
	}
}
