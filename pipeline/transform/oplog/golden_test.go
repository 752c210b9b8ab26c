package oplog

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden expected.json files from the parser's output")

var goldenWindow = pipeline.Window{
	Series: pipeline.Series{ProjectID: "5f1d7e3a2b4c6d8e9f0a1b2c", Workspace: "ws-golden"},
	Start:  time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	End:    time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
}

type goldenEvent struct {
	ID   string          `json:"id"`
	Time time.Time       `json:"time"`
	Doc  json.RawMessage `json:"doc"`
}

type staticLocator pipeline.Place

func (l staticLocator) Place(string, string) (pipeline.Place, bool) { return pipeline.Place(l), true }

func goldenParser(t *testing.T, dir string) (*Parser, pipeline.Window) {
	t.Helper()
	opts := []Option{WithAgentVersion("1.2.3-golden")}
	if b, err := os.ReadFile(filepath.Join(dir, "place.json")); err == nil {
		var pl pipeline.Place
		if err := json.Unmarshal(b, &pl); err != nil {
			t.Fatal(err)
		}
		opts = append(opts, WithLocator(staticLocator(pl)))
	}
	p := New(opts...)
	p.now = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
	w := goldenWindow
	if b, err := os.ReadFile(filepath.Join(dir, "window.json")); err == nil {
		if err := json.Unmarshal(b, &w.Series); err != nil {
			t.Fatal(err)
		}
		w.ProjectID, w.Workspace = goldenWindow.ProjectID, goldenWindow.Workspace
	}
	return p, w
}

// TestGolden parses each testdata/golden/<case>/input.log line by line and
// compares the events with expected.json (-update rewrites them).
func TestGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/golden/*")
	if len(dirs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			p, w := goldenParser(t, dir)
			in, err := os.ReadFile(filepath.Join(dir, "input.log"))
			if err != nil {
				t.Fatal(err)
			}
			var got []goldenEvent
			lines := bytes.Split(in, []byte("\n"))
			if len(lines[len(lines)-1]) == 0 {
				lines = lines[:len(lines)-1]
			}
			for _, line := range lines {
				e, err := p.Parse(line, w)
				if err != nil || e.Failed {
					t.Fatalf("line %q: error %v, failed %v", line, err, e.Failed)
				}
				var doc bytes.Buffer
				if err := json.Indent(&doc, e.Doc, "", "  "); err != nil {
					t.Fatalf("document of %q is not JSON: %v", line, err)
				}
				got = append(got, goldenEvent{ID: e.ID, Time: e.Time, Doc: doc.Bytes()})
			}
			out, _ := json.MarshalIndent(got, "", "  ")
			out = append(out, '\n')
			path := filepath.Join(dir, "expected.json")
			if *update {
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(out, want) {
				t.Fatalf("events differ from %s (run with -update after checking):\n%s", path, out)
			}
		})
	}
}
