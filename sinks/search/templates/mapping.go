package templates

import (
	"strings"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// keywordIgnoreAbove is ECS's limit for keyword fields: longer values stay
// in _source but are not indexed, instead of failing the whole document.
const keywordIgnoreAbove = 1024

// flatIgnoreAbove keeps every leaf of a flattened field under Lucene's
// 32766-byte term limit (4 bytes per character at most); without it one
// long value in a free-form object rejects the whole event.
const flatIgnoreAbove = 8191

// flatDepthLimit is generous: stream processor definitions carry whole
// aggregation pipelines in their parameters.
const flatDepthLimit = 100

// flatType returns how a cluster maps free-form objects, and its name for
// reports.
func flatType(srv conn.Server) (map[string]any, string) {
	switch {
	case srv.Flavor == conn.OpenSearch && srv.AtLeast(2, 7):
		// flat_object takes no parameters (no depth or length limit).
		return map[string]any{"type": "flat_object"}, "flat_object"
	case srv.Flavor == conn.OpenSearch:
		return map[string]any{"type": "object", "enabled": false}, "object (stored, not searchable: OpenSearch before 2.7 has no flat_object)"
	}
	return map[string]any{
		"type":         "flattened",
		"depth_limit":  flatDepthLimit,
		"ignore_above": flatIgnoreAbove,
	}, "flattened"
}

// property returns the mapping of one field kind.
func property(k kind, flatProp map[string]any, indexOriginal bool) map[string]any {
	switch k {
	case keyword:
		return map[string]any{"type": "keyword", "ignore_above": keywordIgnoreAbove}
	case text:
		// match_only_text would be smaller on Elasticsearch, but it lives
		// in a module some distributions lack; text works everywhere.
		return map[string]any{"type": "text"}
	case ip:
		return map[string]any{"type": "ip"}
	case date:
		return map[string]any{"type": "date"}
	case long:
		return map[string]any{"type": "long"}
	case boolean:
		return map[string]any{"type": "boolean"}
	case flat:
		return flatProp
	case original:
		if indexOriginal {
			return map[string]any{"type": "text"}
		}
		// Stored in _source only: no terms, no doc values, so a raw line
		// of any length is kept and costs no index space.
		return map[string]any{"type": "keyword", "index": false, "doc_values": false}
	}
	return nil
}

// mapping builds the index mapping from the field table.
func mapping(srv conn.Server, fields []field, indexOriginal bool) map[string]any {
	flatProp, _ := flatType(srv)
	root := map[string]any{}
	for _, f := range fields {
		insert(root, strings.Split(f.path, "."), property(f.kind, flatProp, indexOriginal))
	}
	return map[string]any{
		// false, not strict: an unknown field is kept in _source instead of
		// sending the whole event to the dead-letter place.
		"dynamic":           false,
		"date_detection":    false,
		"numeric_detection": false,
		"properties":        root,
	}
}

// insert places prop at path inside a properties map, creating the
// objects on the way.
func insert(props map[string]any, path []string, prop map[string]any) {
	if len(path) == 1 {
		props[path[0]] = prop
		return
	}
	obj, _ := props[path[0]].(map[string]any)
	if obj == nil {
		obj = map[string]any{"properties": map[string]any{}}
		props[path[0]] = obj
	}
	insert(obj["properties"].(map[string]any), path[1:], prop)
}
