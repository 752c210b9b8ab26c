package dashboards

import (
	"encoding/json"
	"path"
	"slices"
	"strings"
	"testing"
)

var flavors = []Flavor{Kibana, OpenSearchDashboards}

func parsed(t *testing.T, f Flavor) Export {
	t.Helper()
	x, err := ParseExport(f.SavedObjects())
	if err != nil {
		t.Fatalf("%s export: %v", f, err)
	}
	return x
}

// attrs decodes an object's attributes.
func attrs(t *testing.T, o Object) map[string]any {
	t.Helper()
	var a map[string]any
	if err := json.Unmarshal(o.Attributes, &a); err != nil {
		t.Fatalf("%s %s: attributes: %v", o.Type, o.ID, err)
	}
	return a
}

// jsonAttr decodes an attribute that holds JSON text (panelsJSON,
// visState, searchSourceJSON...).
func jsonAttr(t *testing.T, o Object, a map[string]any, keys ...string) any {
	t.Helper()
	var v any = a
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s %s: %v: not an object", o.Type, o.ID, keys)
		}
		v = m[k]
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s %s: %v: want a JSON string, got %T", o.Type, o.ID, keys, v)
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("%s %s: %v does not parse: %v", o.Type, o.ID, keys, err)
	}
	return out
}

func TestExportsPassCheck(t *testing.T) {
	for _, f := range flavors {
		x := parsed(t, f)
		if err := x.Check(f); err != nil {
			t.Errorf("%s export:\n%v", f, err)
		}
		if x.Summary == nil {
			t.Errorf("%s export: no summary line", f)
		}
	}
}

// TestExportTypes checks each export holds the objects the issue asks
// for, in types its product imports.
func TestExportTypes(t *testing.T) {
	want := map[Flavor]map[string]int{
		Kibana:               {"index-pattern": 1, "search": 5, "lens": 5, "dashboard": 1},
		OpenSearchDashboards: {"index-pattern": 1, "search": 5, "visualization": 5, "dashboard": 1},
	}
	for _, f := range flavors {
		got := map[string]int{}
		for _, o := range parsed(t, f).Objects {
			got[o.Type]++
		}
		for typ, n := range want[f] {
			if got[typ] != n {
				t.Errorf("%s: %d objects of type %s, want %d", f, got[typ], typ, n)
			}
		}
		if len(got) != len(want[f]) {
			t.Errorf("%s: types %v, want exactly %v", f, got, want[f])
		}
	}
}

// TestVersionStamps pins the stamps to versions the products know: a
// stamp newer than the product's last migration makes the import fail.
func TestVersionStamps(t *testing.T) {
	kibanaMax := map[string]string{"index-pattern": "8.0.0", "search": "8.0.0", "lens": "8.9.0", "dashboard": "8.9.0"}
	osdMax := map[string]string{"index-pattern": "7.6.0", "search": "7.9.3", "visualization": "7.10.0", "dashboard": "7.9.3"}
	for _, o := range parsed(t, Kibana).Objects {
		if o.CoreMigrationVersion != "8.8.0" || o.TypeMigrationVersion != kibanaMax[o.Type] {
			t.Errorf("kibana %s %s: core %q type %q, want 8.8.0 and %q",
				o.Type, o.ID, o.CoreMigrationVersion, o.TypeMigrationVersion, kibanaMax[o.Type])
		}
	}
	for _, o := range parsed(t, OpenSearchDashboards).Objects {
		if len(o.MigrationVersion) != 1 || o.MigrationVersion[o.Type] != osdMax[o.Type] {
			t.Errorf("osd %s %s: migrationVersion %v, want {%s: %s}", o.Type, o.ID, o.MigrationVersion, o.Type, osdMax[o.Type])
		}
	}
}

// TestIndexPatternMatchesSinkIndices checks the data view covers the
// monthly indices the sink writes and uses the event time.
func TestIndexPatternMatchesSinkIndices(t *testing.T) {
	for _, f := range flavors {
		for _, o := range parsed(t, f).Objects {
			if o.Type != "index-pattern" {
				continue
			}
			a := attrs(t, o)
			title, _ := a["title"].(string)
			for _, idx := range []string{"atlas-streams-audit-2026.11", "atlas-streams-audit-2027.01"} {
				if ok, _ := path.Match(title, idx); !ok {
					t.Errorf("%s: pattern %q does not match %s", f, title, idx)
				}
			}
			if ok, _ := path.Match(title, "other-2026.11"); ok {
				t.Errorf("%s: pattern %q matches unrelated indices", f, title)
			}
			if a["timeFieldName"] != "@timestamp" {
				t.Errorf("%s: timeFieldName %v", f, a["timeFieldName"])
			}
			jsonAttr(t, o, a, "fieldFormatMap")
		}
	}
}

// TestEmbeddedReferencesResolve checks that every reference name used
// inside attributes (panels, search sources, Lens layers) exists among
// the object's references, and the other way round.
func TestEmbeddedReferencesResolve(t *testing.T) {
	for _, f := range flavors {
		for _, o := range parsed(t, f).Objects {
			names := map[string]bool{}
			for _, r := range o.References {
				names[r.Name] = true
			}
			used := embeddedRefNames(t, f, o)
			for _, n := range used {
				if !names[n] {
					t.Errorf("%s %s %s: uses reference %q, which it does not declare", f, o.Type, o.ID, n)
				}
				delete(names, n)
			}
			for n := range names {
				t.Errorf("%s %s %s: declares reference %q, which nothing uses", f, o.Type, o.ID, n)
			}
		}
	}
}

// embeddedRefNames lists the reference names an object's attributes use.
func embeddedRefNames(t *testing.T, f Flavor, o Object) []string {
	a := attrs(t, o)
	var names []string
	if _, ok := a["kibanaSavedObjectMeta"]; ok {
		ss := jsonAttr(t, o, a, "kibanaSavedObjectMeta", "searchSourceJSON").(map[string]any)
		if n, ok := ss["indexRefName"].(string); ok {
			names = append(names, n)
		}
		if _, ok := ss["index"]; ok {
			t.Errorf("%s %s: searchSourceJSON names its index directly instead of by reference", o.Type, o.ID)
		}
	}
	switch o.Type {
	case "dashboard":
		for _, p := range jsonAttr(t, o, a, "panelsJSON").([]any) {
			p := p.(map[string]any)
			n := p["panelRefName"].(string)
			if f == Kibana {
				n = p["panelIndex"].(string) + ":" + n
			}
			names = append(names, n)
		}
	case "lens":
		state := a["state"].(map[string]any)
		layers := state["datasourceStates"].(map[string]any)["formBased"].(map[string]any)["layers"].(map[string]any)
		for id := range layers {
			names = append(names, "indexpattern-datasource-layer-"+id)
		}
	case "visualization":
		vs := jsonAttr(t, o, a, "visState").(map[string]any)
		if vs["title"] != a["title"] {
			t.Errorf("visualization %s: visState title %v differs from title %v", o.ID, vs["title"], a["title"])
		}
	}
	return names
}

func TestDashboardPanelsFitTheGrid(t *testing.T) {
	for _, f := range flavors {
		for _, o := range parsed(t, f).Objects {
			if o.Type != "dashboard" {
				continue
			}
			a := attrs(t, o)
			panels := jsonAttr(t, o, a, "panelsJSON").([]any)
			if len(panels) != 6 {
				t.Errorf("%s: %d panels, want 6", f, len(panels))
			}
			for _, p := range panels {
				g := p.(map[string]any)["gridData"].(map[string]any)
				x, w := g["x"].(float64), g["w"].(float64)
				if x < 0 || w <= 0 || x+w > 48 || g["h"].(float64) <= 0 {
					t.Errorf("%s: panel %v outside the 48-column grid", f, g)
				}
			}
			jsonAttr(t, o, a, "optionsJSON")
		}
	}
}

func TestCheckFindsProblems(t *testing.T) {
	good := `{"type":"index-pattern","id":"dv","attributes":{"title":"x-*"},"references":[],"coreMigrationVersion":"8.8.0","typeMigrationVersion":"8.0.0"}`
	cases := map[string]struct {
		ndjson string
		want   []string
	}{
		"dangling reference": {good + "\n" +
			`{"type":"search","id":"s","attributes":{},"references":[{"name":"r","type":"index-pattern","id":"nope"}],"coreMigrationVersion":"8.8.0","typeMigrationVersion":"8.0.0"}`,
			[]string{`search "s": reference "r" points to index-pattern "nope"`}},
		"duplicate": {good + "\n" + good, []string{`index-pattern "dv": appears twice`}},
		"no version": {`{"type":"search","id":"s","attributes":{},"references":[]}`,
			[]string{"coreMigrationVersion and typeMigrationVersion"}},
		"bad summary": {good + "\n" + `{"exportedCount":2,"missingRefCount":0}`,
			[]string{"exportedCount 2"}},
		"no attributes": {`{"type":"search","id":"s","references":[],"coreMigrationVersion":"8.8.0","typeMigrationVersion":"8.0.0"}`,
			[]string{"attributes must be an object"}},
	}
	for name, c := range cases {
		x, err := ParseExport([]byte(c.ndjson))
		if err != nil {
			t.Fatalf("%s: parse: %v", name, err)
		}
		err = x.Check(Kibana)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want it to contain %q", name, err, w)
			}
		}
	}
	if _, err := ParseExport([]byte(good + "\n{not json")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("broken line: error %v, want it to name line 2", err)
	}
	osd := strings.Replace(good, `"coreMigrationVersion":"8.8.0","typeMigrationVersion":"8.0.0"`, `"migrationVersion":{"index-pattern":"7.6.0"}`, 1)
	x, _ := ParseExport([]byte(osd))
	if err := x.Check(OpenSearchDashboards); err != nil {
		t.Errorf("valid OSD object rejected: %v", err)
	}
	if err := x.Check(Kibana); err == nil {
		t.Error("OSD stamps accepted for Kibana")
	}
}

func TestWithIndexPattern(t *testing.T) {
	for _, f := range flavors {
		out, err := WithIndexPattern(f.SavedObjects(), "audit-*")
		if err != nil {
			t.Fatal(err)
		}
		x, err := ParseExport(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Check(f); err != nil {
			t.Errorf("%s: rewritten export fails its check: %v", f, err)
		}
		orig := parsed(t, f)
		for i, o := range x.Objects {
			a, b := attrs(t, o), attrs(t, orig.Objects[i])
			if o.Type == "index-pattern" {
				if a["title"] != "audit-*" {
					t.Errorf("%s: title %v", f, a["title"])
				}
				a["title"], b["title"] = nil, nil
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if string(ja) != string(jb) {
				t.Errorf("%s %s %s: changed beyond the title", f, o.Type, o.ID)
			}
		}
	}
	if _, err := WithIndexPattern(Kibana.SavedObjects(), "a b"); err == nil {
		t.Error("pattern with a space accepted")
	}
	if _, err := WithIndexPattern([]byte(`{"type":"search","id":"s"}`), "x-*"); err == nil {
		t.Error("export without index pattern accepted")
	}
}

// TestExportLinesHaveDocumentedKeys: each object line holds the keys of
// the documented export format and nothing else; the optimistic
// concurrency "version" and the timestamps are left out on purpose, so
// that an overwrite never conflicts and the files stay stable.
func TestExportLinesHaveDocumentedKeys(t *testing.T) {
	want := map[Flavor][]string{
		Kibana:               {"attributes", "coreMigrationVersion", "id", "references", "type", "typeMigrationVersion"},
		OpenSearchDashboards: {"attributes", "id", "migrationVersion", "references", "type"},
	}
	for _, f := range flavors {
		lines := strings.Split(strings.TrimSpace(string(f.SavedObjects())), "\n")
		for i, line := range lines[:len(lines)-1] { // the last line is the summary
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("%s line %d: %v", f, i+1, err)
			}
			var got []string
			for k := range m {
				got = append(got, k)
			}
			slices.Sort(got)
			if !slices.Equal(got, want[f]) {
				t.Errorf("%s line %d: keys %v, want %v", f, i+1, got, want[f])
			}
		}
		if !strings.Contains(lines[len(lines)-1], `"exportedCount"`) {
			t.Errorf("%s: the last line is not the export summary", f)
		}
	}
}
