package oplog

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

func TestIDsIncludeTheLogType(t *testing.T) {
	w := goldenWindow
	line := []byte(`{"atype":"authenticate","ts":{"$date":"2026-11-01T00:00:00Z"}}`)
	op := DocumentID(w.ProjectID, w.Workspace, line)
	audit := transform.DocumentID(w.ProjectID, w.Workspace, line)
	if op == audit {
		t.Fatal("the same text in both logs has one id")
	}
	if len(op) != len(audit) {
		t.Fatalf("id %q is not shaped like the audit log's", op)
	}
	for _, variant := range [][]byte{append(line, '\n'), append(line, '\r', '\n')} {
		if DocumentID(w.ProjectID, w.Workspace, variant) != op {
			t.Fatalf("a line ending changes the id")
		}
	}
	if DocumentID(w.ProjectID, "ws-other", line) == op || DocumentID("5f1d7e3a2b4c6d8e9f0a1b2d", w.Workspace, line) == op {
		t.Fatal("the id ignores the series")
	}
	// The processor narrows the fetch, not the event.
	wp := w
	wp.Processor = "p"
	a, _ := New().Parse(line, w)
	b, _ := New().Parse(line, wp)
	if a.ID != b.ID || a.ID != op {
		t.Fatalf("ids %q, %q; want %q", a.ID, b.ID, op)
	}
}

// TestGeneratedLinesAllKeepTheirTime parses every shape the fake serves:
// each reads its time from the line, a level and a processor.
func TestGeneratedLinesAllKeepTheirTime(t *testing.T) {
	g := atlastest.OperationalGenerator{Seed: 4}
	lines := g.Lines(goldenWindow.Start, goldenWindow.End, 500)
	p := New()
	for _, l := range lines {
		e, err := p.Parse([]byte(l.Text), goldenWindow)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Log   struct{ Level string }
			Atlas struct{ Streams struct{ Processor string } }
			Event struct{ Original string }
		}
		if err := json.Unmarshal(e.Doc, &d); err != nil {
			t.Fatal(err)
		}
		if d.Event.Original != l.Text || d.Atlas.Streams.Processor != l.Processor {
			t.Fatalf("line %q: original %q, processor %q", l.Text, d.Event.Original, d.Atlas.Streams.Processor)
		}
		if l.Text[0] == '\t' {
			continue // a continuation line has neither time nor level
		}
		if !e.Time.Equal(l.Time) || d.Log.Level == "" {
			t.Fatalf("line %q: time %s (want %s), level %q", l.Text, e.Time, l.Time, d.Log.Level)
		}
	}
}

// FuzzParse checks that any line becomes one stored event: a JSON
// document keeping the line, with a stable id and a time.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"t":{"$date":"2026-11-01T10:15:30.123+00:00"},"s":"I","c":"STREAMS","id":1,"ctx":"x","msg":"m","attr":{"a":{"b":[1,2]}}}`,
		`{"timestamp":1793535330123,"level":"warn","message":"x","processor":"p"}`,
		"2026-11-01 10:15:31,5 ERROR [C] boom processor p1",
		"\xff\xfe{", `{"a":` + string(make([]byte, 40)) + `}`, "[[[[[[[[[[", `{"t":"9999-12-31T23:59:59Z"}`,
	} {
		f.Add([]byte(s))
	}
	p := New()
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := p.Parse(line, goldenWindow)
		if err != nil || e.Failed || e.ID == "" || e.Time.IsZero() {
			t.Fatalf("event %+v, error %v", e, err)
		}
		var d struct{ Event struct{ Original string } }
		if err := json.Unmarshal(e.Doc, &d); err != nil {
			t.Fatalf("document is not JSON: %v", err)
		}
		if utf8.Valid(line) && d.Event.Original != string(trimLineEnding(line)) {
			t.Fatalf("original %q, line %q", d.Event.Original, line)
		}
		again, _ := p.Parse(line, goldenWindow)
		if again.ID != e.ID || !again.Time.Equal(e.Time) {
			t.Fatal("parsing twice differs")
		}
	})
}

var _ pipeline.Parser = New()

// BenchmarkParse parses the fake's mixed operational lines.
func BenchmarkParse(b *testing.B) {
	lines := atlastest.OperationalGenerator{Seed: 5}.Lines(goldenWindow.Start, goldenWindow.End, 1000)
	p := New()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		_, _ = p.Parse([]byte(lines[n%len(lines)].Text), goldenWindow)
		n++
	}
}
