package search

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// defaultIndexPrefixes are the index prefixes of the log types other than
// the audit log (whose prefix is index_prefix), from pipeline's table of
// log types.
var defaultIndexPrefixes = func() map[string]string {
	out := map[string]string{}
	for _, t := range pipeline.LogTypes {
		if spec, _ := t.Spec(); t != pipeline.AuditLog && spec.IndexPrefix != "" {
			out[t.Name()] = spec.IndexPrefix
		}
	}
	return out
}()

// PrefixOf returns the index prefix of a log type's events: index_prefix
// for the audit log, index_prefixes.<log type> for the others.
func (c Config) PrefixOf(t pipeline.LogType) string {
	if t == pipeline.AuditLog {
		return c.IndexPrefix
	}
	if p := c.IndexPrefixes[t.Name()]; p != "" {
		return p
	}
	return defaultIndexPrefixes[t.Name()]
}

// validateIndexPrefixes checks index_prefixes: known log types other than
// the audit log, valid prefixes, none shared with another log type (one
// index would then hold two mappings).
func (c Config) validateIndexPrefixes() error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(c.IndexPrefixes)) {
		key := "index_prefixes." + name
		t, err := pipeline.ParseLogType(name)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
			continue
		case t == pipeline.AuditLog:
			errs = append(errs, fmt.Errorf("%s: the audit log's prefix is index_prefix", key))
			continue
		}
		if err := validatePrefix(c.IndexPrefixes[name]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	seen := map[string]pipeline.LogType{}
	for _, t := range pipeline.LogTypes {
		p := c.PrefixOf(t)
		if other, ok := seen[p]; ok {
			errs = append(errs, fmt.Errorf("index_prefixes: the %s and %s logs share the prefix %q; give each its own", other.Name(), t.Name(), p))
		}
		seen[p] = t
	}
	return errors.Join(errs...)
}

// LayoutOf returns the index layout of a log type's events, for package
// templates.
func (s *Sink) LayoutOf(t pipeline.LogType) templates.Layout {
	return templates.Layout{Prefix: s.cfg.PrefixOf(t), Granularity: string(s.cfg.IndexGranularity), LogType: t}
}

// logTypesOf returns the log types of a batch's events, the audit log
// first when present.
func logTypesOf(batch []pipeline.Event) []pipeline.LogType {
	var out []pipeline.LogType
	for _, ev := range batch {
		if !slices.Contains(out, ev.LogType) {
			out = append(out, ev.LogType)
		}
	}
	slices.Sort(out)
	return out
}
