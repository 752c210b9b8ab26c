package dashboards

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// WithIndexPattern returns a copy of the export whose data views (index
// patterns) match pattern instead of the default "atlas-streams-audit-*",
// for a sink configured with another index prefix. Every other byte of
// the export is kept.
func WithIndexPattern(ndjson []byte, pattern string) ([]byte, error) {
	if pattern == "" || strings.ContainsAny(pattern, " \",") {
		return nil, fmt.Errorf("index pattern %q: must be non-empty, without spaces, quotes or commas", pattern)
	}
	var out bytes.Buffer
	found := false
	for _, line := range bytes.SplitAfter(ndjson, []byte("\n")) {
		body := bytes.TrimSpace(line)
		var o map[string]json.RawMessage
		if len(body) == 0 || json.Unmarshal(body, &o) != nil || string(o["type"]) != `"index-pattern"` {
			out.Write(line)
			continue
		}
		var attrs map[string]any
		if err := json.Unmarshal(o["attributes"], &attrs); err != nil {
			return nil, fmt.Errorf("index pattern attributes: %w", err)
		}
		attrs["title"] = pattern
		var err error
		if o["attributes"], err = json.Marshal(attrs); err != nil {
			return nil, fmt.Errorf("encoding index pattern: %w", err)
		}
		b, err := json.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encoding index pattern: %w", err)
		}
		out.Write(b)
		out.WriteByte('\n')
		found = true
	}
	if !found {
		return nil, errors.New("the export has no index pattern")
	}
	return out.Bytes(), nil
}
