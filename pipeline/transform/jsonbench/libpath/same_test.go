package libpath

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/corpus"
)

var window = pipeline.Window{
	Series: pipeline.Series{ProjectID: "5f1d7e3a2b4c6d8e9f0a1b2c", Workspace: "prod-streams"},
	Start:  time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	End:    time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
}

type locator pipeline.Place

func (l locator) Place(string, string) (pipeline.Place, bool) { return pipeline.Place(l), true }

// semantic decodes a document for comparison, without event.ingested
// (the two parsers read the clock at different moments).
func semantic(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decoding %s: %v", doc, err)
	}
	delete(m["event"].(map[string]any), "ingested")
	return m
}

// difference names the first differing path of two decoded documents.
func difference(path string, a, b any) string {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		for k := range am {
			if d := difference(path+"."+k, am[k], bm[k]); d != "" {
				return d
			}
		}
		for k := range bm {
			if _, ok := am[k]; !ok {
				return path + "." + k + " only in the library's"
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return path + ": engine " + string(ja) + ", library " + string(jb)
	}
	return ""
}

// compare parses every line with both and reports the lines whose
// documents, ids, times or outcomes differ.
func compare(t *testing.T, lines [][]byte, w pipeline.Window, eng *transform.Parser, lib *Parser) (differ int) {
	t.Helper()
	for _, line := range lines {
		ee, eerr := eng.Parse(line, w)
		le, lerr := lib.Parse(line, w)
		d := ""
		switch {
		case ee.ID != le.ID:
			d = "id"
		case !ee.Time.Equal(le.Time) || ee.Failed != le.Failed || (eerr == nil) != (lerr == nil):
			d = "time or outcome: engine " + ee.Time.String() + " " + errText(eerr) + ", library " + le.Time.String() + " " + errText(lerr)
		default:
			d = difference("", semantic(t, ee.Doc), semantic(t, le.Doc))
		}
		if why := acceptable(le.Doc); why != "" {
			t.Errorf("library document not acceptable (%s): %s", why, le.Doc)
		}
		if d != "" {
			differ++
			t.Logf("differs at %s\n  line: %.300s", d, line)
		}
	}
	return differ
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func TestSameOutputCorpus(t *testing.T) {
	lines := corpus.Mixed(4096)
	for name, lib := range Codecs {
		t.Run(name, func(t *testing.T) {
			n := compare(t, lines, window, transform.New(transform.NewDefaultConfig()), NewWith(lib))
			t.Logf("%s: corpus: %d of %d lines differ", name, n, len(lines))
			if n != 0 {
				t.Errorf("%d corpus lines differ", n)
			}
		})
	}
}

func TestSameOutputGolden(t *testing.T) {
	for name, lib := range Codecs {
		t.Run(name, func(t *testing.T) { sameOutputGolden(t, name, lib) })
	}
}

func sameOutputGolden(t *testing.T, name string, codec Codec) {
	dirs, _ := filepath.Glob("../../testdata/golden/*")
	if len(dirs) == 0 {
		t.Fatal("no golden cases")
	}
	total, differ := 0, 0
	for _, dir := range dirs {
		input, err := os.ReadFile(filepath.Join(dir, "input.log"))
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(input, []byte("\n"))
		if len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		w := window
		w.Workspace = "ws-golden"
		if b, err := os.ReadFile(filepath.Join(dir, "window.json")); err == nil {
			_ = json.Unmarshal(b, &w.Series)
			if w.Workspace == "" {
				w.Workspace = "ws-golden"
			}
			if w.ProjectID == "" {
				w.ProjectID = window.ProjectID
			}
		}
		var opts []transform.Option
		lib := NewWith(codec)
		if b, err := os.ReadFile(filepath.Join(dir, "place.json")); err == nil {
			var pl pipeline.Place
			_ = json.Unmarshal(b, &pl)
			opts = append(opts, transform.WithLocator(locator(pl)))
			lib.Place = pl
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			n := compare(t, lines, w, transform.New(transform.NewDefaultConfig(), opts...), lib)
			total += len(lines)
			differ += n
		})
	}
	t.Logf("%s: golden: %d of %d lines differ", name, differ, total)
}
