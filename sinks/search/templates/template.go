package templates

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// Layout names the indices aspaudit writes: Prefix, a dash and the events'
// period ("atlas-streams-audit-2026.11"). It comes from the bulk sink's
// configuration.
type Layout struct {
	Prefix string
	// Granularity is "day", "month" or "year" (empty means month).
	Granularity string
	// LogType chooses the mapping: the audit log's (the zero value) or
	// another log type's.
	LogType pipeline.LogType
}

// Validate reports every problem of the layout at once.
func (l Layout) Validate() error {
	var errs []error
	if l.Prefix == "" {
		errs = append(errs, errors.New("index prefix: must not be empty"))
	}
	switch l.Granularity {
	case "", "day", "month", "year":
	default:
		errs = append(errs, errors.New("index granularity: must be day, month or year"))
	}
	return errors.Join(errs...)
}

// Pattern returns the pattern matching every index of the layout.
func (l Layout) Pattern() string { return l.Prefix + "-*" }

// TemplateName returns the name of the layout's index template (the
// prefix itself).
func (l Layout) TemplateName() string { return l.Prefix }

// PolicyName returns the name of the layout's ILM or ISM policy.
func (l Layout) PolicyName() string { return l.Prefix + "-retention" }

// templatePriority is above the products' built-in templates (100) so that
// a prefix such as "logs-x" still gets aspaudit's mapping.
const templatePriority = 200

// metaHash is the _meta key holding the hash of what aspaudit installed,
// so that re-running setup tells unchanged from updated.
const metaHash = "aspaudit_hash"

// settings returns the index settings of the template.
func settings(cfg Config) map[string]any {
	s := map[string]any{
		"index.number_of_shards": cfg.Shards,
		// Audit events are written once and read rarely.
		"index.codec": "best_compression",
	}
	if n, auto, _ := cfg.replicas(); auto {
		s["index.auto_expand_replicas"] = "0-1"
	} else {
		s["index.number_of_replicas"] = n
	}
	return s
}

// templateBody returns the composable index template for the layout, with
// the hash of its content in _meta.
func templateBody(srv conn.Server, l Layout, cfg Config) map[string]any {
	body := map[string]any{
		"index_patterns": []string{l.Pattern()},
		"priority":       templatePriority,
		// The user's additions; this template's own mappings and settings
		// win where both set the same key.
		"composed_of": []string{l.CustomName()},
		"template": map[string]any{
			"settings": settings(cfg),
			"mappings": mapping(srv, fieldsOf(l.LogType), cfg.IndexOriginal),
		},
	}
	body["_meta"] = map[string]any{
		"managed_by": "aspaudit",
		metaHash:     hashOf(body),
	}
	return body
}

// hashOf hashes v's JSON encoding (maps encode with sorted keys, so equal
// content gives equal hashes).
func hashOf(v any) string {
	b, _ := json.Marshal(v) // maps of plain values always encode
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// installedHash reads the aspaudit hash from a stored _meta object.
func installedHash(meta map[string]any) string {
	h, _ := meta[metaHash].(string)
	return h
}
