package configs

import (
	"fmt"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks"
)

// DefaultSinkType is the sink used when sink.type is not set: NDJSON
// files, no server needed.
const DefaultSinkType = "file"

// SinkConfig is the "sink" section: Type names a registered sink type,
// whose options live under sink.<type>. Settings every sink shares (how
// many events reach the sink at once) are the pipeline's.
type SinkConfig struct {
	// Type is file (the default), elasticsearch, opensearch, or any other
	// registered type.
	Type string `koanf:"type"`
	// Sections holds sink.<name> of every registered type, decoded over
	// its defaults. Only the selected one is validated and used; the
	// others are decoded so that a misspelt key in them is still reported.
	Sections map[string]sinks.Section `koanf:"-"`
}

// newSinkConfig returns the default type and every registered type's
// defaults.
func newSinkConfig() SinkConfig {
	s := SinkConfig{Type: DefaultSinkType, Sections: map[string]sinks.Section{}}
	for _, n := range sinks.Names() {
		t, _ := sinks.Lookup(n)
		s.Sections[n] = t.NewSection()
	}
	return s
}

// Selected returns the section of the configured type; nil when the type
// is not registered (Validate reports it).
func (s SinkConfig) Selected() sinks.Section { return s.Sections[s.Type] }

func (s SinkConfig) validate() error {
	sec, ok := s.Sections[s.Type]
	if !ok {
		return fmt.Errorf("sink.type: %q is not one of %s", s.Type, strings.Join(sinks.Names(), ", "))
	}
	return pipeline.PrefixErrors("sink."+s.Type+".", sec.Validate())
}

// resolveSecrets reads the selected section's secrets from their files.
func (s SinkConfig) resolveSecrets() error {
	r, ok := s.Selected().(sinks.SecretResolver)
	if !ok {
		return nil
	}
	return pipeline.PrefixErrors("sink."+s.Type+".", r.ResolveSecrets())
}
