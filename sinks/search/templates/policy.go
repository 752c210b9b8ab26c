package templates

import (
	"time"
)

// periodPad returns the longest time one index of the granularity covers.
// The ISM backstop adds it to the retention because ISM counts from index
// creation, which is no earlier than the start of the index's period.
func periodPad(granularity string) time.Duration {
	if granularity == "year" {
		return 366 * Day
	}
	// A month at most; also covers indices left from a day or month
	// layout used before.
	return 31 * Day
}

// ilmPolicy returns the Elasticsearch ILM policy: delete retention after
// the index's origination date, which ApplyRetention sets to the end of the
// index's period. With no retention the policy keeps indices forever (an
// earlier setup's policy may still be attached to indices).
func ilmPolicy(retention time.Duration) map[string]any {
	phases := map[string]any{"hot": map[string]any{"min_age": "0ms", "actions": map[string]any{}}}
	if retention > 0 {
		phases = map[string]any{"delete": map[string]any{
			"min_age": lifecycleAge(retention),
			"actions": map[string]any{"delete": map[string]any{}},
		}}
	}
	p := map[string]any{"phases": phases}
	p["_meta"] = map[string]any{"managed_by": "aspaudit", metaHash: hashOf(p)}
	return map[string]any{"policy": p}
}

// ismPolicy returns the OpenSearch ISM policy: delete indices of the
// layout retention + one period after their creation. It never deletes
// early; ApplyRetention deletes on time. ISM policies have no _meta, so
// the description carries the hash. With no retention the policy keeps
// indices forever and no longer attaches itself to new ones.
func ismPolicy(l Layout, retention time.Duration) map[string]any {
	keep := map[string]any{"name": "keep", "actions": []any{}, "transitions": []any{}}
	states := []any{keep}
	p := map[string]any{"default_state": "keep"}
	if retention > 0 {
		keep["transitions"] = []any{map[string]any{
			"state_name": "delete",
			"conditions": map[string]any{"min_index_age": lifecycleAge(retention + periodPad(l.Granularity))},
		}}
		states = append(states, map[string]any{
			"name":        "delete",
			"actions":     []any{map[string]any{"delete": map[string]any{}}},
			"transitions": []any{},
		})
		p["ism_template"] = []any{map[string]any{"index_patterns": []string{l.Pattern()}, "priority": templatePriority}}
	}
	p["states"] = states
	p["description"] = "aspaudit retention, " + hashOf(p)
	return map[string]any{"policy": p}
}
