package transform

import "bytes"

// processorKeys name a stream processor in param, api.request or unmapped.
var processorKeys = map[string]bool{
	"processorName": true, "streamProcessorName": true, "streamProcessor": true,
	"spName": true, "processor": true,
}

// namesAProcessor reports whether a member called k holds a processor
// name: one of processorKeys, "name" for processor actions, or a command
// name such as startStreamProcessor (a command document names its target
// as the value of its first key: {startStreamProcessor: "orders"}).
func namesAProcessor(k []byte, byName bool) bool {
	return processorKeys[string(k)] || byName && string(k) == "name" ||
		bytes.HasSuffix(k, []byte("StreamProcessor"))
}

// nestedRequestKeys hold the arguments of a request one level down.
var nestedRequestKeys = map[string]bool{"data": true, "args": true}

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
	m := t.objectMembers(obj)
	for key, val, ok := m.next(); ok; key, val, ok = m.next() {
		k := plainKey(key)
		switch {
		case val.kind == kindString && len(val.b) > 0 && namesAProcessor(k, byName):
			return val.b
		case val.kind == kindObject && depth > 0 && n < len(nested) && nestedRequestKeys[string(k)]:
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
