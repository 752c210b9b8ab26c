package file

import "errors"

// Config configures the file sink, its checkpoint store and its
// dead-letter place, which all live under Path.
type Config struct {
	// Path is the data directory: events/, dead-letter/ and state/ go
	// under it. It is created when missing.
	Path string `koanf:"path"`
	// MaxLoadedPartitions bounds how many monthly partitions keep their id
	// index in memory at once (about 13.5 bytes per stored event);
	// the least recently written one is dropped first and loaded again
	// from its ids files when written to.
	MaxLoadedPartitions int `koanf:"max_loaded_partitions"`
	// CompactSegments is how many small segment files of similar size a
	// partition may gather before they are merged into one; 0 turns
	// merging off.
	CompactSegments int `koanf:"compact_segments"`
}

// NewDefaultConfig returns the defaults: ./aspaudit-data, 3 loaded
// partitions, merging every 16 small segments.
func NewDefaultConfig() Config {
	return Config{Path: "./aspaudit-data", MaxLoadedPartitions: 3, CompactSegments: 16}
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if c.Path == "" {
		errs = append(errs, errors.New("path: must not be empty"))
	}
	if c.MaxLoadedPartitions < 1 {
		errs = append(errs, errors.New("max_loaded_partitions: must be at least 1"))
	}
	if c.CompactSegments < 0 || c.CompactSegments == 1 {
		errs = append(errs, errors.New("compact_segments: must be 0 (off) or at least 2"))
	}
	return errors.Join(errs...)
}
