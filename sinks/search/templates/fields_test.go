package templates

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fieldsDoc is the transform's list of document fields, which the field
// table must mirror.
const fieldsDoc = "../../../pipeline/transform/FIELDS.md"

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	subField   = regexp.MustCompile("`(\\.[a-z_]+)` ([a-z]+)")
)

// docKinds maps the type words of FIELDS.md to the table's kinds.
var docKinds = map[string]kind{
	"keyword": keyword, "text": text, "ip": ip, "date": date,
	"long": long, "boolean": boolean, "flattened": flat,
}

// parseFieldsDoc reads every field and its kind from FIELDS.md's tables.
func parseFieldsDoc(t *testing.T) map[string]kind {
	t.Helper()
	b, err := os.ReadFile(fieldsDoc)
	if err != nil {
		t.Fatalf("reading the transform's field list: %v", err)
	}
	out := map[string]kind{}
	inFieldTable := false
	for line := range strings.SplitSeq(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) >= 4 && strings.TrimSpace(cells[1]) != "" && !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") &&
			!strings.HasPrefix(strings.TrimSpace(cells[1]), "-") {
			// A table header: only "| field | type | value |" tables list fields.
			inFieldTable = strings.TrimSpace(cells[1]) == "field" && strings.TrimSpace(cells[2]) == "type"
			continue
		}
		if !inFieldTable || len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		names := backticked.FindAllStringSubmatch(cells[1], -1)
		types := strings.Split(cells[2], " / ")
		base := names[0][1]
		for i, n := range names {
			path := n[1]
			if strings.HasPrefix(path, ".") {
				path = base[:strings.LastIndex(base, ".")] + path
			}
			typ := strings.TrimSpace(types[min(i, len(types)-1)])
			addDocField(t, out, path, typ, cells[3])
		}
	}
	return out
}

func addDocField(t *testing.T, out map[string]kind, path, typ, value string) {
	word := strings.TrimSuffix(strings.Fields(typ)[0], "[]")
	switch {
	case path == "event.original":
		out[path] = original
	case word == "object":
		for _, m := range subField.FindAllStringSubmatch(value, -1) {
			addDocField(t, out, path+m[1], m[2], "")
		}
	default:
		k, ok := docKinds[word]
		if !ok {
			t.Errorf("FIELDS.md: field %s has type %q, unknown to the template", path, typ)
		}
		out[path] = k
	}
}

// TestFieldTableMatchesTransform keeps the mapping in step with the
// document: every field the transform writes is mapped with its type, and
// the table maps nothing else.
func TestFieldTableMatchesTransform(t *testing.T) {
	doc := parseFieldsDoc(t)
	if len(doc) < 40 {
		t.Fatalf("read only %d fields from %s: parser out of step with the file?", len(doc), fieldsDoc)
	}
	table := map[string]kind{}
	for _, f := range fields {
		if _, dup := table[f.path]; dup {
			t.Errorf("field %s appears twice in the table", f.path)
		}
		table[f.path] = f.kind
	}
	for _, p := range slices.Sorted(maps.Keys(doc)) {
		k, ok := table[p]
		switch {
		case !ok:
			t.Errorf("field %s (FIELDS.md) has no mapping", p)
		case k != doc[p]:
			t.Errorf("field %s: mapped as kind %d, FIELDS.md says %d", p, k, doc[p])
		}
	}
	for _, p := range slices.Sorted(maps.Keys(table)) {
		if _, ok := doc[p]; !ok {
			t.Errorf("field %s is mapped but not in FIELDS.md", p)
		}
	}
}
