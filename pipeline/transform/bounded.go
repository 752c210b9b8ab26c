package transform

import "github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"

// flatField names the flattened fields of the document, for cutting.
type flatField uint8

const (
	flatParam flatField = iota
	flatMongoExtra
	flatRequest
	flatResponse
	flatMetadata
	flatUnmapped
	flatOCSFExtra
)

var flatPaths = [...]string{
	flatParam: "mongodb.audit.param", flatMongoExtra: "mongodb.audit.extra",
	flatRequest: "ocsf.api.request", flatResponse: "ocsf.api.response",
	flatMetadata: "ocsf.metadata", flatUnmapped: "ocsf.unmapped", flatOCSFExtra: "ocsf.extra",
}

// planCuts finds the flattened fields of r that hold values past the
// bounds, before anything is written (the event then keeps its original).
func (t *tape) planCuts(r *record) (cut uint8) {
	check := func(f flatField, v raw) {
		depth := 1 // a value that is not an object is wrapped in {"_value": v}
		if v.Kind == jsontape.KindObject {
			depth = 0
		}
		if v.Kind != jsontape.KindNone && !t.FlatWithin(v, depth) {
			cut |= 1 << f
		}
	}
	extra := flatOCSFExtra
	if r.schema == "mongo" {
		check(flatParam, r.mongo.param)
		extra = flatMongoExtra
	} else {
		check(flatRequest, r.ocsf.apiRequest)
		check(flatResponse, r.ocsf.apiResponse)
		check(flatMetadata, r.ocsf.metadata)
		check(flatUnmapped, r.ocsf.unmapped)
	}
	for _, m := range r.extra {
		if len(m.key.Text) > jsontape.MaxFlatKey || !t.FlatWithin(m.val, 1) {
			cut |= 1 << extra
		}
	}
	return cut
}

// encodeCuts writes aspaudit.truncated_fields: the flattened fields cut.
func (w *docWriter) encodeCuts() {
	if w.cut == 0 {
		return
	}
	w.open("aspaudit")
	w.key("truncated_fields")
	w.put('[')
	first := true
	for f, path := range flatPaths {
		if w.cut&(1<<f) == 0 {
			continue
		}
		if !first {
			w.put(',')
		}
		first = false
		w.put('"')
		w.puts(path)
		w.put('"')
	}
	w.put(']')
	w.close()
}
