package templates

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
)

// goldenGlob finds the transform's golden outputs: every document shape
// the parser writes.
const goldenGlob = "../../../pipeline/transform/testdata/golden/*/expected.json"

// goldenEvent is one entry of a golden expected.json.
type goldenEvent struct {
	ID  string          `json:"id"`
	Doc json.RawMessage `json:"doc"`
}

func readGolden(t *testing.T) map[string][]goldenEvent {
	t.Helper()
	files, _ := filepath.Glob(goldenGlob)
	if len(files) == 0 {
		t.Fatalf("no golden documents at %s", goldenGlob)
	}
	out := map[string][]goldenEvent{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var evs []goldenEvent
		if err := json.Unmarshal(b, &evs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(filepath.Dir(f))] = evs
	}
	return out
}

// leafPaths adds to paths every field path of doc, stopping at free-form
// (flattened) fields, whose keys are the data's own.
func leafPaths(prefix string, v any, flatPaths map[string]bool, paths map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if flatPaths[prefix] {
			paths[prefix] = true
			return
		}
		for k, sub := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			leafPaths(p, sub, flatPaths, paths)
		}
	case []any:
		for _, e := range x {
			leafPaths(prefix, e, flatPaths, paths)
		}
	default:
		paths[prefix] = true
	}
}

// TestGoldenDocumentsAreMapped indexes every document of the transform's
// golden tests: each is accepted, and every field they hold is mapped
// with the intended type (no field falls into the unindexed rest).
func TestGoldenDocumentsAreMapped(t *testing.T) {
	golden := readGolden(t)
	flatPaths, byPath := map[string]bool{}, map[string]field{}
	for _, f := range fields {
		byPath[f.path] = f
		if f.kind == flat {
			flatPaths[f.path] = true
		}
	}
	seen := map[string]bool{}
	for _, evs := range golden {
		for _, e := range evs {
			var doc any
			if err := json.Unmarshal(e.Doc, &doc); err != nil {
				t.Fatalf("golden doc %s: %v", e.ID, err)
			}
			leafPaths("", doc, flatPaths, seen)
		}
	}
	t.Logf("%d golden cases hold %d of the %d mapped fields", len(golden), len(seen), len(fields))
	for p := range seen {
		if _, ok := byPath[p]; !ok {
			t.Errorf("golden documents hold field %s, which the template does not map", p)
		}
	}
	forEachCluster(t, func(t *testing.T, c cluster) {
		l := newLayout(t, c)
		if _, err := Install(testCtx(t), c.client, c.server, l, NewDefaultConfig()); err != nil {
			t.Fatalf("Install: %v", err)
		}
		index := l.Prefix + "-2026.11"
		for _, name := range sortedKeys(golden) {
			bulkGolden(t, c, index, name, golden[name])
		}
		caps := fieldCaps(t, c, index)
		for p := range seen {
			f := byPath[p]
			want := wantType(f, c.server, false)
			if _, ok := caps[p][want]; !ok || len(caps[p]) != 1 {
				t.Errorf("field %s: types %v, want %s", p, keys(caps[p]), want)
			}
		}
	})
}

// bulkGolden creates the golden events of one case and fails on any item
// refused (a duplicate id, the same line in another case, is fine).
func bulkGolden(t *testing.T, c cluster, index, name string, evs []goldenEvent) {
	t.Helper()
	var body bytes.Buffer
	for _, e := range evs {
		action, _ := json.Marshal(map[string]any{"create": map[string]any{"_index": index, "_id": e.ID}})
		body.Write(action)
		body.WriteByte('\n')
		var compact bytes.Buffer
		_ = json.Compact(&compact, e.Doc)
		body.Write(compact.Bytes())
		body.WriteByte('\n')
	}
	b := searchtest.MustDo(t, http.MethodPost, c.url, "/_bulk?refresh=true", body.String())
	var res struct {
		Items []map[string]struct {
			ID     string          `json:"_id"`
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("%s: decoding _bulk: %v", name, err)
	}
	for _, item := range res.Items {
		for _, r := range item {
			if r.Status != http.StatusCreated && r.Status != http.StatusConflict {
				t.Errorf("golden case %s: event %s refused: status %d: %s", name, r.ID, r.Status, r.Error)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := keys(m)
	sort.Strings(out)
	return out
}
