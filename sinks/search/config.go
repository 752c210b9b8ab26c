package search

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
	"github.com/aspaudit/aspaudit/sinks/search/templates"
)

// Config holds the search sink's options. Its keys, the connection's and
// the templates' all sit side by side in the sink's section.
type Config struct {
	// Conn says how to reach the cluster (urls, credentials, TLS, timeout).
	Conn conn.Config `koanf:",squash"`
	// Compress gzips request bodies; bulk bodies of JSON shrink about
	// tenfold, for a little CPU.
	Compress bool `koanf:"compress"`
	// BatchSize bounds the number of events in one bulk request.
	BatchSize int `koanf:"batch_size"`
	// BatchBytes bounds the uncompressed size of one bulk request. It must
	// stay well below the cluster's http.max_content_length (100 MB by
	// default); a request the cluster still finds too large is split.
	BatchBytes int `koanf:"batch_bytes"`
	// FlushInterval is how long a partly filled request may wait for
	// events from other concurrent Write calls before it is sent. Zero
	// sends it as soon as no Write call is adding to it.
	FlushInterval time.Duration `koanf:"flush_interval"`
	// Concurrency bounds the bulk requests in flight. Besides the batches
	// of the Write calls in progress (read in place, not copied), the sink
	// holds up to 2 x concurrency request bodies (compressed when compress
	// is on) in memory.
	Concurrency int `koanf:"concurrency"`
	// Retry paces the retries of a request or of the items the cluster
	// asked to retry (429, 5xx), and bounds how long they go on.
	Retry retry.Policy `koanf:"retry"`
	// IndexPrefix starts every index name; a dash and the period follow.
	IndexPrefix string `koanf:"index_prefix"`
	// IndexPrefixes are the index prefixes of the other log types, by log
	// type name (operational: atlas-streams-ops by default); see PrefixOf.
	IndexPrefixes map[string]string `koanf:"index_prefixes"`
	// IndexGranularity is the period one index covers: day, month or year.
	IndexGranularity Granularity `koanf:"index_granularity"`
	// Templates are the index template and retention options.
	Templates templates.Config `koanf:",squash"`
}

// NewDefaultConfig returns the defaults: a local cluster, gzip on, bulk
// requests of at most 1000 events and 5 MB, 4 in flight, monthly indices
// named atlas-streams-audit-YYYY.MM.
func NewDefaultConfig() Config {
	p := retry.NewDefaultPolicy()
	p.Initial = 500 * time.Millisecond
	p.Max = 30 * time.Second
	return Config{
		Conn:             conn.NewDefaultConfig(),
		Compress:         true,
		BatchSize:        1000,
		BatchBytes:       5 << 20,
		Concurrency:      4,
		Retry:            p,
		IndexPrefix:      "atlas-streams-audit",
		IndexPrefixes:    maps.Clone(defaultIndexPrefixes),
		IndexGranularity: Month,
		Templates:        templates.NewDefaultConfig(),
	}
}

// Validate reports every problem at once, each prefixed by its key.
func (c Config) Validate() error {
	errs := []error{c.Conn.Validate(), c.Templates.Validate()}
	if err := c.Retry.Validate(); err != nil {
		errs = append(errs, pipeline.PrefixErrors("retry.", err))
	}
	if c.BatchSize < 1 {
		errs = append(errs, errors.New("batch_size: must be at least 1"))
	}
	if c.BatchBytes < 1024 {
		errs = append(errs, errors.New("batch_bytes: must be at least 1024"))
	}
	if c.FlushInterval < 0 {
		errs = append(errs, errors.New("flush_interval: must not be negative"))
	}
	if c.Concurrency < 1 || c.Concurrency > 64 {
		errs = append(errs, errors.New("concurrency: must be between 1 and 64"))
	}
	if err := validatePrefix(c.IndexPrefix); err != nil {
		errs = append(errs, fmt.Errorf("index_prefix: %w", err))
	}
	errs = append(errs, c.validateIndexPrefixes())
	switch c.IndexGranularity {
	case Day, Month, Year:
	default:
		errs = append(errs, fmt.Errorf("index_granularity: %q is not day, month or year", c.IndexGranularity))
	}
	return errors.Join(errs...)
}

// ResolveSecrets reads password_file and api_key_file.
func (c *Config) ResolveSecrets() error { return c.Conn.ResolveSecrets() }

// validatePrefix applies the cluster's rules for index names.
func validatePrefix(p string) error {
	switch {
	case p == "":
		return errors.New("must not be empty")
	case p != strings.ToLower(p):
		return errors.New("must be lower case")
	case strings.ContainsAny(p, `\/*?"<>| ,#:`):
		return errors.New(`must not contain any of \ / * ? " < > | , # : or a space`)
	case strings.IndexAny(p[:1], "-_+.") == 0:
		return errors.New("must not start with -, _, + or a dot")
	case len(p) > 200:
		return errors.New("must be at most 200 bytes")
	}
	return nil
}
