package transform

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/corpus"
	"github.com/aspaudit/aspaudit/sources/atlas/atlastest"
)

// fakeCorpus returns every audit line the project's fakes make: the Atlas
// fake's generator in each schema (and its audit-log-access line), the
// benchmark corpus, the sample archives and the golden inputs.
func fakeCorpus(t *testing.T) map[string][][]byte {
	t.Helper()
	out := map[string][][]byte{}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []atlastest.Schema{atlastest.Mixed, atlastest.Mongo, atlastest.OCSF} {
		for seed := uint64(1); seed <= 3; seed++ {
			g := atlastest.Generator{Seed: seed, Schema: s}
			for _, l := range g.Lines(start, start.Add(24*time.Hour), 800) {
				out["atlastest"] = append(out["atlastest"], []byte(l.Text))
			}
		}
	}
	out["corpus"] = corpus.Mixed(4000)
	archives, _ := filepath.Glob("../../testdata/sample/*.gz")
	for _, a := range archives {
		out["sample"] = append(out["sample"], gunzipLines(t, a)...)
	}
	inputs, _ := filepath.Glob("testdata/golden/*/input.log")
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		out["golden"] = append(out["golden"], inputLines(b)...)
	}
	for name, lines := range out {
		if len(lines) == 0 {
			t.Fatalf("corpus %s is empty", name)
		}
	}
	return out
}

func gunzipLines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestEveryAuditEventIsCategorised parses the whole fake corpus: no parsed
// event lacks event.category or event.type, and an action gets the same
// categorization in both schemas.
func TestEveryAuditEventIsCategorised(t *testing.T) {
	p := New(NewDefaultConfig())
	w := pipeline.Window{Series: pipeline.Series{ProjectID: "5f1d7e3a2b4c6d8e9f0a1b2c", Workspace: "ws"}}
	type seen struct{ schema, cat, typ string }
	byAction := map[string]seen{}
	total := 0
	for name, lines := range fakeCorpus(t) {
		for _, line := range lines {
			ev, err := p.Parse(line, w)
			if err != nil {
				continue // parse failures are not audit events
			}
			total++
			var doc struct {
				Event struct {
					Action   string          `json:"action"`
					Category json.RawMessage `json:"category"`
					Type     json.RawMessage `json:"type"`
				} `json:"event"`
				Atlas struct {
					Streams struct {
						Schema string `json:"audit_schema"`
					} `json:"streams"`
				} `json:"atlas"`
			}
			if err := json.Unmarshal(ev.Doc, &doc); err != nil {
				t.Fatal(err)
			}
			e := doc.Event
			if len(e.Category) == 0 || len(e.Type) == 0 {
				t.Fatalf("%s: event without event.category or event.type: %s", name, line)
			}
			s := seen{doc.Atlas.Streams.Schema, string(e.Category), string(e.Type)}
			if prev, ok := byAction[e.Action]; ok && (prev.cat != s.cat || prev.typ != s.typ) {
				// OCSF class fallbacks may differ only when no table knows the action.
				if _, known := actionCategories[e.Action]; known {
					t.Errorf("action %s: %s %s in %s, %s %s in %s", e.Action, prev.cat, prev.typ, prev.schema, s.cat, s.typ, s.schema)
				}
			}
			byAction[e.Action] = s
		}
	}
	t.Logf("%d audit events, %d actions, all categorised", total, len(byAction))
}
