package transform

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

var fuzzWindow = pipeline.Window{
	Series: pipeline.Series{ProjectID: "65a1b2c3d4e5f60718293a4b", Workspace: "fuzz"},
	Start:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	End:    time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC),
}

// FuzzParse checks that every input yields exactly one storable event: no
// panic, a valid JSON document without repeated keys, Failed exactly when
// an error is returned, and an id that depends only on the line.
// Seeds: the golden inputs and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/golden/*/input.log")
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range inputLines(b) {
			if len(line) < 4096 {
				f.Add(line)
			}
		}
	}
	p := New(NewDefaultConfig())
	p.now = func() time.Time { return goldenIngested }
	f.Fuzz(func(t *testing.T, line []byte) {
		orig := bytes.Clone(line)
		ev, err := p.Parse(line, fuzzWindow)
		if !bytes.Equal(line, orig) {
			t.Fatal("Parse modified its input")
		}
		checkEvent(t, line, ev, err)
		if bytes.HasSuffix(line, []byte("\n")) {
			return
		}
		again, err2 := p.Parse(append(bytes.Clone(line), '\n'), fuzzWindow)
		if again.ID != ev.ID || !bytes.Equal(again.Doc, ev.Doc) || (err == nil) != (err2 == nil) {
			t.Fatalf("a trailing newline changed the event of %q", line)
		}
	})
}
