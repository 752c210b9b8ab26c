package file

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

func TestLineRoundTrip(t *testing.T) {
	cases := []struct{ id, doc string }{
		{"a1", `{"x":1}`},
		{"empty", `{}`},
		{"spaced", "  { \"x\" : [1, 2] }\t"},
		{"multi-line", "{\n  \"x\": \"a\\nb\",\n  \"y\": {}\n}\n"},
		{`quo"te\ and <html> é`, `{"k":"v"}`},
		{"empty-spaced", "{ \n }"},
	}
	for _, c := range cases {
		line, err := appendLine(nil, c.id, []byte(c.doc))
		if err != nil {
			t.Fatalf("appendLine(%q): %v", c.doc, err)
		}
		if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
			t.Errorf("line %q is not exactly one line", line)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(line, &top); err != nil {
			t.Fatalf("line %q is not a JSON object: %v", line, err)
		}
		id, doc, err := splitLine(bytes.TrimSuffix(line, []byte("\n")))
		if err != nil {
			t.Fatalf("splitLine(%q): %v", line, err)
		}
		if id != c.id || !sinktest.JSONEqual(doc, []byte(c.doc)) {
			t.Errorf("round trip of %q %q gave %q %q", c.id, c.doc, id, doc)
		}
	}
}

func TestAppendLineRejectsNonObjects(t *testing.T) {
	for _, doc := range []string{`[1]`, `"s"`, `3`, ``} {
		if _, err := appendLine(nil, "id", []byte(doc)); err == nil {
			t.Errorf("appendLine accepted %q", doc)
		}
	}
}

func TestSplitLineRejectsDamage(t *testing.T) {
	for _, line := range []string{
		`{"x":1}`,
		`{"_id":"abc`,
		`{"_id":"abc","x":`,
		`{"_id":"abc"`,
		`{"_id":"a\q"}`,
	} {
		if _, _, err := splitLine([]byte(line)); err == nil {
			t.Errorf("splitLine accepted %q", line)
		}
	}
}

func TestSinkRejectsInvalidEvents(t *testing.T) {
	s := openSink(t, t.TempDir())
	good := sinktest.Events(2)
	bad := []string{`[1,2]`, `{"x":`, ``}
	batch := good
	for i, doc := range bad {
		e := good[0]
		e.ID, e.Doc = "bad-"+string(rune('a'+i)), []byte(doc)
		batch = append(batch, e)
	}
	noID := good[1]
	noID.ID = ""
	batch = append(batch, noID)
	res := mustWrite(t, s, batch)
	if res.Stored != 2 || len(res.Rejected) != 4 {
		t.Fatalf("stored %d rejected %d; want 2 and 4", res.Stored, len(res.Rejected))
	}
	for _, r := range res.Rejected {
		if r.Reason == "" {
			t.Errorf("rejection of %q has no reason", r.Event.ID)
		}
	}
}
