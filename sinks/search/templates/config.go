package templates

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Config holds the index layout options. Its keys sit in the sink's
// section, beside the bulk sink's (index_prefix belongs to the bulk sink
// and is passed to this package's functions).
type Config struct {
	// Retention is how long events are kept, counted from the events' own
	// time: an index is deleted once the newest event it can hold is older.
	// Zero keeps everything forever.
	Retention Age `koanf:"retention"`
	// Shards is the number of primary shards per index.
	Shards int `koanf:"shards"`
	// Replicas is the number of replica shards per index, or "auto": one
	// replica when the cluster has two data nodes or more, none on a single
	// node (index.auto_expand_replicas "0-1"), so a single-node cluster
	// stays green and a larger one keeps a copy of every audit event.
	Replicas string `koanf:"replicas"`
	// IndexOriginal makes event.original (the raw line) searchable as text.
	// By default it is only stored: shown with the event, not searchable,
	// which keeps the index smaller (the parsed fields are searchable).
	IndexOriginal bool `koanf:"index_original"`
	// Pipeline names an ingest pipeline the cluster runs on every event
	// aspaudit writes (sent as ?pipeline= with every bulk request), for
	// enrichment such as GeoIP. It must exist before the first write: the
	// first write and check verify it. Empty: none (an index's
	// index.default_pipeline, set in <prefix>@custom, still applies).
	Pipeline string `koanf:"pipeline"`
	// Install lets the first write install the template and the retention
	// policy when they are missing, so that setup is optional. Turn it off
	// when aspaudit's credentials may only write documents.
	Install bool `koanf:"install"`
}

// ReplicasAuto is the Replicas value that adapts to the cluster's size.
const ReplicasAuto = "auto"

// NewDefaultConfig returns: keep forever, one shard, replicas "auto",
// event.original stored but not indexed, install on first write.
func NewDefaultConfig() Config {
	return Config{Shards: 1, Replicas: ReplicasAuto, Install: true}
}

// Validate reports every problem at once, each prefixed by its key.
func (c Config) Validate() error {
	var errs []error
	if c.Retention < 0 {
		errs = append(errs, errors.New("retention: must not be negative"))
	} else if c.Retention != 0 && c.Retention.Duration() < Day {
		errs = append(errs, fmt.Errorf("retention: %s is shorter than a day; write days (400d) or 0 to keep forever (note that \"m\" means minutes)", c.Retention))
	}
	if c.Shards < 1 || c.Shards > 1024 {
		errs = append(errs, errors.New("shards: must be between 1 and 1024"))
	}
	if _, _, err := c.replicas(); err != nil {
		errs = append(errs, err)
	}
	if c.Pipeline != strings.TrimSpace(c.Pipeline) || strings.ContainsAny(c.Pipeline, "/,*") {
		errs = append(errs, fmt.Errorf("pipeline: %q is not an ingest pipeline name", c.Pipeline))
	}
	return errors.Join(errs...)
}

// replicas returns the fixed replica count, or auto = true.
func (c Config) replicas() (n int, auto bool, err error) {
	if c.Replicas == "" || c.Replicas == ReplicasAuto {
		return 0, true, nil
	}
	n, err = strconv.Atoi(c.Replicas)
	if err != nil || n < 0 {
		return 0, false, fmt.Errorf("replicas: %q is neither %q nor a number of replicas (0, 1, ...)", c.Replicas, ReplicasAuto)
	}
	return n, false, nil
}
