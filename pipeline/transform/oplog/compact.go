package oplog

import "encoding/json"

// compact renders a value too deep to keep as an object as JSON text.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
