package transform

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform/internal/corpus"
)

func decodeDoc(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("document is not JSON: %v\n%s", err, doc)
	}
	return m
}

func field(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

const sampleLine = `{ "atype" : "authenticate", "ts" : { "$date" : "2022-09-16T01:38:20.034+0000" }, "uuid" : { "$binary" : "KXMtAMh9TOOSl9aQBW1Zkg==", "$type" : "04" }, "local" : { "ip" : "192.168.248.2", "port" : 27017 }, "remote" : { "ip" : "192.168.248.2", "port" : 34736 }, "users" : [ { "user" : "mms-automation", "db" : "admin" } ], "roles" : [ { "role" : "root", "db" : "admin" } ], "param" : { "user" : "mms-automation", "db" : "admin", "mechanism" : "SCRAM-SHA-1" }, "result" : 0 }`

func TestKeepOriginal(t *testing.T) {
	for _, keep := range []bool{true, false} {
		p := New(Config{KeepOriginal: keep})
		ev, err := p.Parse([]byte(sampleLine), goldenWindow)
		if err != nil {
			t.Fatal(err)
		}
		if got := field(decodeDoc(t, ev.Doc), "event.original"); (got != nil) != keep {
			t.Errorf("keep_original=%v: event.original = %v", keep, got)
		}
		// A failure keeps the raw line whatever the option says.
		ev, err = p.Parse([]byte("not json"), goldenWindow)
		if err == nil || field(decodeDoc(t, ev.Doc), "event.original") != "not json" {
			t.Errorf("keep_original=%v: failure event lost its line: %s", keep, ev.Doc)
		}
	}
}

func TestIngestedIsNowAndOnlyDifference(t *testing.T) {
	p := New(NewDefaultConfig())
	before := time.Now().UTC().Truncate(time.Millisecond)
	a, _ := p.Parse([]byte(sampleLine), goldenWindow)
	after := time.Now().UTC()
	ingested, err := time.Parse(time.RFC3339Nano, field(decodeDoc(t, a.Doc), "event.ingested").(string))
	if err != nil || ingested.Before(before) || ingested.After(after) {
		t.Fatalf("event.ingested %v not within [%v, %v]: %v", ingested, before, after, err)
	}
	p.now = func() time.Time { return ingested.Add(time.Hour) }
	b, _ := p.Parse([]byte(sampleLine), goldenWindow)
	if a.ID != b.ID || !a.Time.Equal(b.Time) {
		t.Fatal("id or time depends on when the line is parsed")
	}
	da, db := decodeDoc(t, a.Doc), decodeDoc(t, b.Doc)
	delete(da["event"].(map[string]any), "ingested")
	delete(db["event"].(map[string]any), "ingested")
	ja, _ := json.Marshal(da)
	jb, _ := json.Marshal(db)
	if !bytes.Equal(ja, jb) {
		t.Fatalf("documents differ beyond event.ingested:\n%s\n%s", ja, jb)
	}
}

func TestSameLineSameIDWhateverTheProcessor(t *testing.T) {
	p := New(NewDefaultConfig())
	w := goldenWindow
	a, _ := p.Parse([]byte(sampleLine), w)
	w.Processor = "orders_enrich"
	b, _ := p.Parse([]byte(sampleLine+"\r\n"), w)
	if a.ID != b.ID {
		t.Error("a processor window or a line ending changed the id")
	}
	if got := field(decodeDoc(t, b.Doc), "atlas.streams.processor"); got != "orders_enrich" {
		t.Errorf("processor from window = %v", got)
	}
}

func TestParseDoesNotRetainOrShareBuffers(t *testing.T) {
	p := New(NewDefaultConfig())
	line := []byte(sampleLine)
	ev, _ := p.Parse(line, goldenWindow)
	docCopy := bytes.Clone(ev.Doc)
	for i := range line {
		line[i] = 'x'
	}
	for i := 0; i < 50; i++ { // reuse the pooled scratch
		_, _ = p.Parse([]byte(`{"class_uid":3002,"time":1,"unmapped":{"atype":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}}`), goldenWindow)
	}
	if !bytes.Equal(ev.Doc, docCopy) {
		t.Fatal("the document changed after its line or the parser's buffers were reused")
	}
}

func TestParseConcurrently(t *testing.T) {
	p := New(NewDefaultConfig())
	p.now = func() time.Time { return goldenIngested }
	lines := corpus.Mixed(64)
	want := make([][]byte, len(lines))
	for i, l := range lines {
		ev, err := p.Parse(l, benchWindow)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = ev.Doc
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 20; round++ {
				for i, l := range lines {
					ev, _ := p.Parse(l, benchWindow)
					if !bytes.Equal(ev.Doc, want[i]) {
						t.Errorf("concurrent parse of line %d differs", i)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestHugeLines(t *testing.T) {
	p := New(NewDefaultConfig())
	for _, size := range []int{1 << 20, 16 << 20} {
		param := `{"name":"big","blob":"` + strings.Repeat(`ab\"c\\`, size/7) + `"}`
		line := []byte(`{"atype":"createStreamProcessor","ts":{"$date":"2026-11-01T10:15:30.123Z"},"param":` + param + `,"result":0}`)
		ev, err := p.Parse(line, goldenWindow)
		if err != nil || ev.Failed || !json.Valid(ev.Doc) {
			t.Fatalf("%d-byte line: err=%v failed=%v", len(line), err, ev.Failed)
		}
		if got := field(decodeDoc(t, ev.Doc), "atlas.streams.processor"); got != "big" {
			t.Errorf("processor = %v", got)
		}
		// Truncated, the same line is a failure that keeps every byte.
		ev, err = p.Parse(line[:len(line)-3], goldenWindow)
		if err == nil || !ev.Failed || len(field(decodeDoc(t, ev.Doc), "event.original").(string)) != len(line)-3 {
			t.Fatalf("truncated %d-byte line: err=%v", len(line), err)
		}
	}
}

func TestDeepNestingIsAFailureNotACrash(t *testing.T) {
	p := New(NewDefaultConfig())
	deep := `{"atype":"x","ts":1,"param":` + strings.Repeat("[", jsontape.MaxDepth+5) + strings.Repeat("]", jsontape.MaxDepth+5) + `}`
	ev, err := p.Parse([]byte(deep), goldenWindow)
	if err == nil || !ev.Failed || !strings.Contains(err.Error(), "depth") {
		t.Fatalf("err=%v failed=%v", err, ev.Failed)
	}
}

func TestConfig(t *testing.T) {
	if !NewDefaultConfig().KeepOriginal {
		t.Error("keep_original must default to true")
	}
	if err := NewDefaultConfig().Validate(); err != nil {
		t.Error(err)
	}
}

func TestDocumentsDoNotShareBytes(t *testing.T) {
	p := New(NewDefaultConfig())
	a, _ := p.Parse([]byte(sampleLine), goldenWindow)
	b, _ := p.Parse([]byte(sampleLine), goldenWindow)
	bCopy := bytes.Clone(b.Doc)
	if cap(a.Doc) != len(a.Doc) {
		t.Fatalf("document has spare capacity %d: appending to it could reach another's bytes", cap(a.Doc)-len(a.Doc))
	}
	grown := append(a.Doc, "trailing junk"...)
	grown[0] = 'X'
	if !bytes.Equal(b.Doc, bCopy) {
		t.Fatal("writing to one document changed another")
	}
}

func TestBlankLine(t *testing.T) {
	p := New(NewDefaultConfig())
	for _, l := range []string{"", " ", "\t \r\n", "\n"} {
		ev, err := p.Parse([]byte(l), goldenWindow)
		if !errors.Is(err, ErrBlankLine) || !ev.Failed || !ev.Time.Equal(goldenWindow.Start) {
			t.Errorf("Parse(%q): err=%v failed=%v time=%v", l, err, ev.Failed, ev.Time)
		}
	}
}
