package ingest

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// lateArrival is how long after they happen Atlas events may first become
// downloadable.
const lateArrival = 5 * time.Minute

// Config tunes the engine (configuration section "pipeline").
type Config struct {
	// Window is the size of the windows a range is cut into.
	Window time.Duration `koanf:"window"`
	// PollInterval is the time between two passes of continuous mode.
	PollInterval time.Duration `koanf:"poll_interval"`
	// Lag keeps continuous windows this far behind now, because events
	// appear in the log up to five minutes after they happen.
	Lag time.Duration `koanf:"lag"`
	// Overlap is re-read before the end of coverage on every pass, so
	// events that appeared late are still fetched (ids deduplicate).
	Overlap time.Duration `koanf:"overlap"`
	// Start is how far back continuous mode begins for a series that has
	// no coverage yet.
	Start time.Duration `koanf:"start"`
	// Workers is the number of concurrent parsers per window (so up to
	// Concurrency × Workers in all); 0 means the number of CPUs.
	Workers int `koanf:"workers"`
	// Concurrency is the number of windows processed at once.
	Concurrency int `koanf:"concurrency"`
	// BatchSize is the maximum number of events per Sink.Write.
	BatchSize int `koanf:"batch_size"`
	// BatchBytes caps the document bytes of a batch; 0 means no cap.
	BatchBytes int `koanf:"batch_bytes"`
	// Retry governs the retries of a failing window.
	Retry retry.Policy `koanf:"retry"`
	// ParkRecheck is how long a series parked by an error that retrying
	// cannot fix (a 403, a workspace gone) waits before it is tried again,
	// unless a workspace listing asks for it sooner.
	ParkRecheck time.Duration `koanf:"park_recheck"`
	// ShutdownTimeout is how long windows in flight may take to finish
	// once the run is asked to stop; after it they are abandoned.
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout"`
	// LeaseTTL is how long a replica's lease of a project lasts unless
	// renewed, with a search sink in `run` (see FollowShared): a replica
	// that dies has its projects taken over within about this long.
	LeaseTTL time.Duration `koanf:"lease_ttl"`
	// ReplicaID names this replica in the leases and logs (empty: the host
	// name); a random suffix chosen at start is added, so replicas given
	// the same name still hold leases apart.
	ReplicaID string `koanf:"replica_id"`
}

// Bounds of LeaseTTL.
const (
	MinLeaseTTL = 3 * time.Second
	MaxLeaseTTL = 10 * time.Minute
)

// NewDefaultConfig returns 6h windows, a 5m poll interval, 10m lag, 30m
// overlap, a 24h first start, one parser per CPU, 4 windows at once,
// batches of 1000 events or 5 MiB, the default retry policy, parked series
// tried again hourly, a 30s shutdown grace period and 30s leases.
func NewDefaultConfig() Config {
	return Config{
		Window:          6 * time.Hour,
		PollInterval:    5 * time.Minute,
		Lag:             10 * time.Minute,
		Overlap:         30 * time.Minute,
		Start:           24 * time.Hour,
		Workers:         runtime.NumCPU(),
		Concurrency:     4,
		BatchSize:       1000,
		BatchBytes:      5 << 20,
		Retry:           retry.NewDefaultPolicy(),
		ParkRecheck:     time.Hour,
		ShutdownTimeout: 30 * time.Second,
		LeaseTTL:        30 * time.Second,
	}
}

// Validate reports every nonsensical value at once. Values that are legal
// but risky are reported by Warnings instead.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, msg string) { errs = append(errs, fmt.Errorf("%s: %s", key, msg)) }
	if c.Window < time.Second {
		bad("window", "must be at least 1s")
	}
	if c.PollInterval <= 0 {
		bad("poll_interval", "must be greater than 0")
	}
	if c.Lag < 0 {
		bad("lag", "must not be negative")
	}
	if c.Overlap < 0 {
		bad("overlap", "must not be negative")
	}
	if c.Start <= 0 {
		bad("start", "must be greater than 0")
	}
	if c.Workers < 0 {
		bad("workers", "must not be negative (0 means one per CPU)")
	}
	if c.Concurrency < 1 {
		bad("concurrency", "must be at least 1")
	}
	if c.BatchSize < 1 {
		bad("batch_size", "must be at least 1")
	}
	if c.BatchBytes < 0 {
		bad("batch_bytes", "must not be negative (0 means no limit)")
	}
	if c.ParkRecheck < time.Second {
		bad("park_recheck", "must be at least 1s")
	}
	if c.ShutdownTimeout < 0 {
		bad("shutdown_timeout", "must not be negative")
	}
	if c.LeaseTTL < MinLeaseTTL || c.LeaseTTL > MaxLeaseTTL {
		bad("lease_ttl", fmt.Sprintf("must be between %s and %s", MinLeaseTTL, MaxLeaseTTL))
	}
	if len(c.ReplicaID) > 200 || strings.ContainsFunc(c.ReplicaID, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) {
		bad("replica_id", "must be at most 200 bytes, without spaces or control characters")
	}
	if err := c.Retry.Validate(); err != nil {
		errs = append(errs, pipeline.PrefixErrors("retry.", err))
	}
	return errors.Join(errs...)
}

// Warnings lists legal settings that risk missing events, for the caller
// to log.
func (c Config) Warnings() []string {
	var w []string
	if c.Lag < lateArrival && c.Lag+c.Overlap < lateArrival {
		w = append(w, fmt.Sprintf("lag: %s plus overlap %s is below %s: events that Atlas publishes late can be missed", c.Lag, c.Overlap, lateArrival))
	} else if c.Lag < lateArrival {
		w = append(w, fmt.Sprintf("lag: %s is below %s: late events are only caught by the overlap re-read on the next poll", c.Lag, lateArrival))
	}
	return w
}

func (c Config) workers() int {
	if c.Workers == 0 {
		return runtime.NumCPU()
	}
	return c.Workers
}
