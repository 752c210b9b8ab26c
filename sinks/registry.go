package sinks

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
)

// Type is one kind of sink, as sink.type names it.
type Type struct {
	// Name is the value of sink.type and the name of the section,
	// sink.<Name>: lower case, no dot.
	Name string
	// NewSection returns a new section holding the type's defaults, as a
	// pointer: the configuration loader decodes sink.<Name> into it.
	NewSection func() Section
}

// Section is the configuration of one sink type: its keys are those of
// sink.<name>, read from its koanf struct tags.
type Section interface {
	// Validate reports every problem at once, each prefixed by its key
	// within the section ("urls: ..."); the loader adds "sink.<name>.".
	Validate() error
	// Open builds the sink, its dead-letter place and its checkpoint
	// store. The caller closes them with Outputs.Close.
	Open(ctx context.Context, log *slog.Logger) (*Outputs, error)
	// Check reaches the sink without changing anything and reports what
	// it finds, for `aspaudit check`; logTypes are the log types the
	// configuration fetches (the audit log always).
	Check(ctx context.Context, r Reporter, logTypes []pipeline.LogType)
	// Setup installs what the sink needs (templates, state indices), for
	// `aspaudit setup`. Running it again is safe.
	Setup(ctx context.Context, req SetupRequest) (Installed, error)
}

// SetupRequest is what Setup is asked to prepare.
type SetupRequest struct {
	// Out receives one line per step, for the user.
	Out io.Writer
	Log *slog.Logger
	// LogTypes are the log types the configuration fetches (the audit log
	// always): each may need its own template.
	LogTypes []pipeline.LogType
}

// SecretResolver is a Section with secrets kept in files (*_file keys);
// the loader calls ResolveSecrets on the selected section only.
type SecretResolver interface {
	ResolveSecrets() error
}

// Indexed is a Section whose events land in indices that Kibana or
// OpenSearch Dashboards can show; setup adapts each log type's saved
// objects to IndexPattern ("atlas-streams-audit-*").
type Indexed interface {
	IndexPattern(t pipeline.LogType) string
}

// Reporter receives what Check finds: lines that are fine, notes, and
// problems (each one makes `aspaudit check` fail).
type Reporter interface {
	OK(format string, args ...any)
	Note(format string, args ...any)
	Problem(format string, args ...any)
}

// Installed is what Setup found, for the steps after it.
type Installed struct {
	// OpenSearch is true when the cluster runs OpenSearch: the saved
	// objects are then meant for OpenSearch Dashboards.
	OpenSearch bool
}

var (
	mu    sync.RWMutex
	types = map[string]Type{}
)

// Register adds t. It is meant for init functions: registering an empty
// or already registered name is a programming error and panics.
func Register(t Type) {
	if t.Name == "" || t.NewSection == nil {
		panic("sinks: Register of a type without name or NewSection")
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := types[t.Name]; dup {
		panic(fmt.Sprintf("sinks: type %q registered twice", t.Name))
	}
	types[t.Name] = t
}

// Lookup returns the type registered as name.
func Lookup(name string) (Type, bool) {
	mu.RLock()
	defer mu.RUnlock()
	t, ok := types[name]
	return t, ok
}

// Names lists the registered types, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(types))
	for n := range types {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
