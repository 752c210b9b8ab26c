package transform

import (
	"bytes"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/jsontape"
)

// isNestedRequest reports whether a member called k holds the arguments
// of a request one level down.
func isNestedRequest(k []byte) bool { return string(k) == "data" || string(k) == "args" }

// lineProcessor returns the still-escaped name of the stream processor the
// line names, or nil.
func (r *record) lineProcessor() []byte {
	t := r.tp
	byName := namesProcessor(r.action)
	for _, obj := range [...]raw{r.mongo.param, r.ocsf.apiRequest, r.ocsf.unmapped} {
		if p := t.findProcessor(obj, byName, 1); p != nil {
			return p
		}
	}
	return nil
}

// namesProcessor reports whether an action's "name" argument is the
// processor's name.
func namesProcessor(action []byte) bool {
	return bytes.Contains(action, []byte("StreamProcessor")) ||
		string(action) == "sample" || string(action) == "process"
}

func (t *tape) findProcessor(obj raw, byName bool, depth int) []byte {
	var nested [2]raw
	n := 0
	m := t.Members(obj)
	for key, val, ok := m.Next(); ok; key, val, ok = m.Next() {
		k := plainKey(key)
		switch {
		case val.Kind == jsontape.KindString && len(val.Text) > 0 && namesAProcessor(k, byName):
			return val.Text
		case val.Kind == jsontape.KindObject && depth > 0 && n < len(nested) && isNestedRequest(k):
			nested[n] = val
			n++
		}
	}
	for _, inner := range nested[:n] {
		if p := t.findProcessor(inner, byName, depth-1); p != nil {
			return p
		}
	}
	return nil
}

// namesAProcessor reports whether a member called k holds a processor
// name: processorName, streamProcessorName, streamProcessor, spName,
// processor, "name" for processor actions, or a command name such as
// startStreamProcessor (a command document names its target as the value
// of its first key: {startStreamProcessor: "orders"}).
func namesAProcessor(k []byte, byName bool) bool {
	switch string(k) {
	case "processorName", "streamProcessorName", "streamProcessor", "spName", "processor":
		return true
	case "name":
		return byName
	}
	return bytes.HasSuffix(k, []byte("StreamProcessor"))
}
