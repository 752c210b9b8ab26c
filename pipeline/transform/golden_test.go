package transform

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden expected.json files from the parser's output")

// goldenIngested is the fixed event.ingested of golden documents.
var goldenIngested = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// goldenWindow is the window golden lines are parsed with; a case's
// window.json may name a processor.
var goldenWindow = pipeline.Window{
	Series: pipeline.Series{ProjectID: "5f1d7e3a2b4c6d8e9f0a1b2c", Workspace: "ws-golden"},
	Start:  time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	End:    time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
}

// goldenEvent is one line's expected outcome.
type goldenEvent struct {
	ID     string          `json:"id"`
	Time   time.Time       `json:"time"`
	Failed bool            `json:"failed,omitempty"`
	Error  string          `json:"error,omitempty"`
	Doc    json.RawMessage `json:"doc"`
}

// goldenVersion is the agent.version of golden documents.
const goldenVersion = "1.2.3-golden"

// staticLocator places every workspace at one place.
type staticLocator pipeline.Place

func (l staticLocator) Place(string, string) (pipeline.Place, bool) { return pipeline.Place(l), true }

func newGoldenParser(t testing.TB, dir string) (*Parser, pipeline.Window) {
	opts := []Option{WithAgentVersion(goldenVersion)}
	if b, err := os.ReadFile(filepath.Join(dir, "place.json")); err == nil {
		var pl pipeline.Place
		if err := json.Unmarshal(b, &pl); err != nil {
			t.Fatalf("place.json: %v", err)
		}
		opts = append(opts, WithLocator(staticLocator(pl)))
	}
	p := New(NewDefaultConfig(), opts...)
	p.now = func() time.Time { return goldenIngested }
	w := goldenWindow
	if b, err := os.ReadFile(filepath.Join(dir, "window.json")); err == nil {
		if err := json.Unmarshal(b, &w.Series); err != nil {
			t.Fatalf("window.json: %v", err)
		}
		if w.ProjectID == "" {
			w.ProjectID = goldenWindow.ProjectID
		}
		if w.Workspace == "" {
			w.Workspace = goldenWindow.Workspace
		}
	}
	return p, w
}

// inputLines splits input.log on "\n", keeping any "\r", dropping only the
// empty piece after a final newline.
func inputLines(b []byte) [][]byte {
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { runGolden(t, dir) })
	}
}

func runGolden(t *testing.T, dir string) {
	input, err := os.ReadFile(filepath.Join(dir, "input.log"))
	if err != nil {
		t.Fatal(err)
	}
	p, w := newGoldenParser(t, dir)
	var got []goldenEvent
	for _, line := range inputLines(input) {
		ev, err := p.Parse(line, w)
		checkEvent(t, line, ev, err)
		g := goldenEvent{ID: ev.ID, Time: ev.Time, Failed: ev.Failed, Doc: ev.Doc}
		if err != nil {
			g.Error = err.Error()
		}
		got = append(got, g)
	}
	gotJSON, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	gotJSON = append(gotJSON, '\n')
	path := filepath.Join(dir, "expected.json")
	if *update {
		if err := os.WriteFile(path, gotJSON, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(gotJSON, want) {
		t.Errorf("output differs from %s (run with -update and review the diff):\n%s", path, firstDiff(gotJSON, want))
	}
}

// checkEvent asserts what holds for every event, golden or fuzzed.
func checkEvent(t testing.TB, line []byte, ev pipeline.Event, err error) {
	t.Helper()
	if !json.Valid(ev.Doc) {
		t.Fatalf("invalid JSON document for %q:\n%s", line, ev.Doc)
	}
	if k := duplicateKey(ev.Doc); k != "" {
		t.Fatalf("duplicate key %q in document for %q:\n%s", k, line, ev.Doc)
	}
	if ev.Failed != (err != nil) {
		t.Fatalf("Failed=%v but err=%v for %q", ev.Failed, err, line)
	}
	var doc struct {
		Timestamp time.Time `json:"@timestamp"`
		Event     struct {
			Kind     string  `json:"kind"`
			Original *string `json:"original"`
		} `json:"event"`
	}
	if err := json.Unmarshal(ev.Doc, &doc); err != nil {
		t.Fatalf("decoding document: %v", err)
	}
	if !doc.Timestamp.Equal(ev.Time) || ev.Time.Location() != time.UTC {
		t.Fatalf("Event.Time %v, @timestamp %v", ev.Time, doc.Timestamp)
	}
	if ev.Failed && (doc.Event.Kind != "pipeline_error" || doc.Event.Original == nil) {
		t.Fatalf("failure document without kind pipeline_error or original: %s", ev.Doc)
	}
	// The original is the line without its ending, each invalid UTF-8 byte
	// replaced by U+FFFD.
	if want := string([]rune(string(trimLineEnding(line)))); doc.Event.Original != nil && *doc.Event.Original != want {
		t.Fatalf("event.original %q, want %q", *doc.Event.Original, want)
	}
	if ev.ID != DocumentID(goldenWindow.ProjectID, goldenWindow.Workspace, line) && ev.ID != DocumentID(fuzzWindow.ProjectID, fuzzWindow.Workspace, line) {
		t.Fatalf("Event.ID %q is not DocumentID of the line", ev.ID)
	}
}

// duplicateKey returns a key repeated within one object of doc, or "".
func duplicateKey(doc []byte) string {
	dec := json.NewDecoder(bytes.NewReader(doc))
	var stack []map[string]bool
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, map[string]bool{})
				expectKey = true
			case '[':
				stack = append(stack, nil)
				expectKey = false
			default:
				stack = stack[:len(stack)-1]
				expectKey = len(stack) > 0 && stack[len(stack)-1] != nil
			}
			continue
		case string:
			if expectKey {
				top := stack[len(stack)-1]
				if top[v] {
					return v
				}
				top[v] = true
				expectKey = false
				continue
			}
		}
		expectKey = len(stack) > 0 && stack[len(stack)-1] != nil
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + string(gl) + "\n  want: " + string(wl)
		}
	}
	return ""
}
