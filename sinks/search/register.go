package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks"
	"github.com/aspaudit/aspaudit/sinks/file"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/state"
)

func init() {
	for _, f := range []conn.Flavor{conn.Elasticsearch, conn.OpenSearch} {
		sinks.Register(sinks.Type{Name: string(f), NewSection: func() sinks.Section {
			s := NewDefaultSection(f)
			return &s
		}})
	}
}

// DefaultLocalPath is where dead letters go when no dead-letter index is
// configured: the file sink's default data directory, so both sinks keep
// local files in one place.
const DefaultLocalPath = "./aspaudit-data"

// Section is the configuration of an elasticsearch or opensearch sink
// (sink.elasticsearch, sink.opensearch): the sink's own keys, the state
// indices' and the local directory, side by side.
type Section struct {
	Config `koanf:",squash"`
	State  state.Config `koanf:",squash"`
	// LocalPath is the directory of what is not kept in the cluster: dead
	// letters, as NDJSON under <local_path>/dead-letter, when
	// dead_letter_index is empty. Checkpoints are always in state_index.
	LocalPath string `koanf:"local_path"`

	flavor conn.Flavor // the product sink.type names
}

var _ sinks.Section = (*Section)(nil)

// NewDefaultSection returns the defaults of the sink that writes to f.
func NewDefaultSection(f conn.Flavor) Section {
	return Section{Config: NewDefaultConfig(), State: state.NewDefaultConfig(), LocalPath: DefaultLocalPath, flavor: f}
}

// Validate reports every problem at once, each prefixed by its key.
func (s *Section) Validate() error {
	errs := []error{s.Config.Validate(), s.State.Validate(), s.State.CheckNames(s.IndexPrefix)}
	if s.LocalPath == "" {
		errs = append(errs, errors.New("local_path: must not be empty"))
	}
	return errors.Join(errs...)
}

// IndexPattern matches every index the sink writes events of log type t to.
func (s *Section) IndexPattern(t pipeline.LogType) string { return IndexPattern(s.PrefixOf(t)) }

// DefaultIndexPattern is IndexPattern with the default prefixes: the
// pattern of the shipped saved objects.
func DefaultIndexPattern(t pipeline.LogType) string {
	return IndexPattern(NewDefaultConfig().PrefixOf(t))
}

// Open builds the sink, the checkpoint store and the lease store in the
// state index (shared by every replica), and the dead-letter place: the dead-letter index when
// one is configured, else NDJSON files under LocalPath.
func (s *Section) Open(ctx context.Context, log *slog.Logger) (*sinks.Outputs, error) {
	sink, err := New(s.Config, log)
	if err != nil {
		return nil, fmt.Errorf("configuring the %s sink: %w", string(s.flavor), err)
	}
	cp, err := state.NewCheckpointStore(sink.Client(), s.State, log)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("configuring the checkpoint index: %w", err), sink.Close(ctx))
	}
	leases, err := state.NewLeaseStore(sink.Client(), s.State)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("configuring the lease store: %w", err), sink.Close(ctx))
	}
	var dead pipeline.DeadLetter
	if s.State.DeadLetterIndex != "" {
		dead, err = state.NewDeadLetterIndex(sink.Client(), s.State, log)
	} else {
		dead, err = file.NewDeadLetter(s.LocalPath)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("opening the dead-letter place: %w", err), sink.Close(ctx))
	}
	out := &sinks.Outputs{Sink: sink, DeadLetter: dead, Checkpoints: cp, Leases: leases,
		Where: fmt.Sprintf("%s at %v", string(s.flavor), s.Conn.URLs), Retention: s.Templates.Retention.Duration()}
	if out.Retention > 0 {
		out.Upkeep = func(ctx context.Context) { s.applyRetention(ctx, sink, log) }
	}
	return out, nil
}
