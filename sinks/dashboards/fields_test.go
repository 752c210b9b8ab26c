package dashboards

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"testing"
)

// fieldUse is one place an export relies on a field of the documents.
type fieldUse struct {
	field string
	// need is what the use requires: "exists" (a column, a format),
	// "date" (the time field, a date histogram), "terms" (top values),
	// "aggregatable" (distinct count, sort) or "searchable" (a query).
	need  string
	where string
}

// kqlField finds the field of each "field : value" clause of a KQL query.
var kqlField = regexp.MustCompile(`([A-Za-z_@][\w.@]*)\s*:`)

// fieldUses lists every field the export's objects use, with what each
// use needs from the mapping.
func fieldUses(t *testing.T, f Flavor) []fieldUse { return fieldUsesIn(t, parsed(t, f)) }

// fieldUsesIn is fieldUses of any export.
func fieldUsesIn(t *testing.T, x Export) []fieldUse {
	var uses []fieldUse
	for _, o := range x.Objects {
		a := attrs(t, o)
		add := func(field, need string) {
			uses = append(uses, fieldUse{field: field, need: need, where: o.Type + " " + o.ID})
		}
		if _, ok := a["kibanaSavedObjectMeta"]; ok {
			ss := jsonAttr(t, o, a, "kibanaSavedObjectMeta", "searchSourceJSON").(map[string]any)
			q, _ := ss["query"].(map[string]any)["query"].(string)
			for _, fld := range queryFields(q) {
				add(fld, "searchable")
			}
		}
		switch o.Type {
		case "index-pattern":
			add(a["timeFieldName"].(string), "date")
			for _, key := range []string{"fieldFormatMap", "fieldAttrs"} {
				if _, ok := a[key]; ok {
					for fld := range jsonAttr(t, o, a, key).(map[string]any) {
						add(fld, "exists")
					}
				}
			}
		case "search":
			for _, c := range a["columns"].([]any) {
				add(c.(string), "exists")
			}
			for _, s := range a["sort"].([]any) {
				add(s.([]any)[0].(string), "aggregatable")
			}
		case "lens":
			uses = append(uses, lensUses(o, a)...)
		case "visualization":
			uses = append(uses, visUses(t, o, a)...)
		}
	}
	return uses
}

func queryFields(q string) []string {
	var out []string
	for _, m := range kqlField.FindAllStringSubmatch(q, -1) {
		out = append(out, m[1])
	}
	return out
}

func lensUses(o Object, a map[string]any) []fieldUse {
	var uses []fieldUse
	where := o.Type + " " + o.ID
	state := a["state"].(map[string]any)
	q, _ := state["query"].(map[string]any)["query"].(string)
	for _, fld := range queryFields(q) {
		uses = append(uses, fieldUse{fld, "searchable", where})
	}
	layers := state["datasourceStates"].(map[string]any)["formBased"].(map[string]any)["layers"].(map[string]any)
	for _, l := range layers {
		for _, c := range l.(map[string]any)["columns"].(map[string]any) {
			c := c.(map[string]any)
			fld, _ := c["sourceField"].(string)
			if fld == "" || fld == "___records___" {
				continue
			}
			uses = append(uses, fieldUse{fld, operationNeed(c["operationType"].(string)), where})
		}
	}
	return uses
}

func visUses(t *testing.T, o Object, a map[string]any) []fieldUse {
	var uses []fieldUse
	vs := jsonAttr(t, o, a, "visState").(map[string]any)
	for _, agg := range vs["aggs"].([]any) {
		agg := agg.(map[string]any)
		fld, _ := agg["params"].(map[string]any)["field"].(string)
		if fld != "" {
			uses = append(uses, fieldUse{fld, operationNeed(agg["type"].(string)), o.Type + " " + o.ID})
		}
	}
	return uses
}

// operationNeed maps a Lens operation or an aggregation type to what it
// needs from the field.
func operationNeed(op string) string {
	switch op {
	case "date_histogram":
		return "date"
	case "terms":
		return "terms"
	default: // unique_count, cardinality, ...
		return "aggregatable"
	}
}

// fieldCap is one field's entry in a _field_caps answer.
type fieldCap struct {
	Type         string `json:"type"`
	Searchable   bool   `json:"searchable"`
	Aggregatable bool   `json:"aggregatable"`
}

// unmetUses returns one problem for each use the field capabilities do
// not satisfy.
func unmetUses(uses []fieldUse, caps map[string]map[string]fieldCap) []string {
	var out []string
	for _, u := range uses {
		byType := caps[u.field]
		if len(byType) != 1 {
			out = append(out, fmt.Sprintf("%s uses %s, mapped as %d types %v", u.where, u.field, len(byType), keys(byType)))
			continue
		}
		for _, c := range byType {
			if msg := unmet(u.need, c); msg != "" {
				out = append(out, fmt.Sprintf("%s uses %s (%s), but it is %s: %s", u.where, u.field, u.need, c.Type, msg))
			}
		}
	}
	return out
}

func unmet(need string, c fieldCap) string {
	switch need {
	case "date":
		if c.Type != "date" && c.Type != "date_nanos" || !c.Aggregatable {
			return "want an aggregatable date"
		}
	case "terms":
		if !slices.Contains([]string{"keyword", "ip", "long", "integer", "boolean"}, c.Type) || !c.Aggregatable {
			return "want an aggregatable keyword, ip or number"
		}
	case "aggregatable":
		if !c.Aggregatable {
			return "want an aggregatable field"
		}
	case "searchable":
		if !c.Searchable {
			return "want a searchable field"
		}
	}
	return ""
}

func keys(m map[string]fieldCap) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestFieldUsesAreFound keeps the extraction honest: it must see the
// fields of every kind of object, or the field caps test checks nothing.
func TestFieldUsesAreFound(t *testing.T) {
	for _, f := range flavors {
		got := map[string]bool{}
		for _, u := range fieldUses(t, f) {
			got[u.field+"/"+u.need] = true
		}
		for _, want := range []string{
			"@timestamp/date", "event.action/terms", "event.outcome/terms", "user.name/terms",
			"source.ip/terms", "atlas.streams.workspace/terms", "user.name/aggregatable",
			"event.category/searchable", "event.action/searchable", "event.kind/searchable",
			"error.message/exists", "source.port/exists", "@timestamp/aggregatable",
		} {
			if !got[want] {
				t.Errorf("%s: use %s not found among %v", f, want, got)
			}
		}
	}
	caps := map[string]map[string]fieldCap{"x": {"text": {Type: "text", Searchable: true}}}
	if p := unmetUses([]fieldUse{{"x", "terms", "t"}, {"missing", "exists", "t"}}, caps); len(p) != 2 {
		t.Errorf("unmetUses found %v, want a text field refused for terms and a missing field", p)
	}
}
