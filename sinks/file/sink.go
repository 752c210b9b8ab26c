package file

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/aspaudit/aspaudit/pipeline"
)

var _ pipeline.Sink = (*Sink)(nil)

// Sink stores events as NDJSON files under <path>/events, one directory
// per month of the events' own time (see the package documentation for
// the layout). Each event is stored once, across batches, runs and
// processes sharing the directory. Write returns once the new events are
// synced to disk. Sink is safe for concurrent use; Writes touching
// different months run in parallel.
type Sink struct {
	cfg    Config
	events string
	log    *slog.Logger

	mu    sync.Mutex // guards parts and clock
	parts map[string]*partition
	clock int64
	fault func(stage string) error // tests only, set before the first Write

	// inflight is held shared by each Write and exclusively by Close.
	inflight sync.RWMutex
	closed   bool
}

// New opens (creating it if needed) the data directory of cfg and removes
// what interrupted writes left there. Id indices are loaded lazily, per
// partition, on the first Write that needs them. logger may be nil.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, pipeline.Permanent(fmt.Errorf("file sink config: %w", err))
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Sink{cfg: cfg, events: filepath.Join(cfg.Path, "events"), log: logger, parts: make(map[string]*partition)}
	if err := os.MkdirAll(s.events, dirMode); err != nil {
		return nil, fmt.Errorf("creating file sink directory: %w", err)
	}
	if err := s.recover(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// recover tidies every partition: a crash may have left temp files or the
// inputs of a merge.
func (s *Sink) recover(ctx context.Context) error {
	names, err := partitionNames(s.events)
	if err != nil {
		return err
	}
	for _, name := range names {
		p := s.partition(name)
		if err := p.lock(ctx); err != nil {
			return err
		}
		l, err := listPartition(p.dir)
		if err == nil {
			err = p.removeDead(l.dead)
		}
		p.unlock()
		if err != nil {
			return fmt.Errorf("recovering partition %s: %w", name, err)
		}
	}
	return nil
}

// partitionNames lists the partition directories of events.
func partitionNames(events string) ([]string, error) {
	entries, err := os.ReadDir(events)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", events, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && isPartitionName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

func isPartitionName(n string) bool {
	if len(n) != 7 || n[4] != '.' {
		return false
	}
	for i, c := range []byte(n) {
		if i != 4 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// partitionOf names the partition of an event: its UTC year and month.
func partitionOf(e pipeline.Event) string { return e.Time.UTC().Format("2006.01") }

func (s *Sink) partition(name string) *partition {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.parts[name]
	if !ok {
		p = newPartition(s.events, name, s.log)
		p.fault = s.fault
		s.parts[name] = p
	}
	s.clock++
	p.lastUse.Store(s.clock)
	return p
}

// Write stores the events of batch not stored yet and returns once they
// are durable. Events without an id or whose document is not a JSON
// object are rejected (status 0). An error means some partitions of the
// batch may be stored and others not; writing the batch again settles it.
func (s *Sink) Write(ctx context.Context, batch []pipeline.Event) (pipeline.WriteResult, error) {
	s.inflight.RLock()
	defer s.inflight.RUnlock()
	if s.closed {
		return pipeline.WriteResult{}, pipeline.Permanent(errors.New("file sink: write after close"))
	}
	if err := ctx.Err(); err != nil {
		return pipeline.WriteResult{}, fmt.Errorf("file sink: %w", err)
	}
	res, groups := prepare(batch)
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		stored, dups, err := s.partition(name).commit(ctx, groups[name], s.cfg.CompactSegments)
		if err != nil {
			return pipeline.WriteResult{}, diskFull(s.events, fmt.Errorf("file sink: %w", err))
		}
		res.Stored += stored
		res.Duplicates += dups
		s.evict()
	}
	return res, nil
}

// prepare encodes batch into per-partition groups, counting repeats of an
// id within the batch as duplicates and rejecting what cannot be stored.
func prepare(batch []pipeline.Event) (pipeline.WriteResult, map[string]*group) {
	var res pipeline.WriteResult
	groups := make(map[string]*group)
	seen := make(map[idHash]bool, len(batch))
	for _, e := range batch {
		if reason := invalid(e); reason != "" {
			res.Rejected = append(res.Rejected, pipeline.Rejection{Event: e, Reason: reason})
			continue
		}
		h := hashID(e.ID)
		if seen[h] {
			res.Duplicates++
			continue
		}
		name := partitionOf(e)
		g := groups[name]
		if g == nil {
			g = &group{buf: make([]byte, 0, batchBytes(batch))}
			groups[name] = g
		}
		buf, err := appendLine(g.buf, e.ID, e.Doc)
		if err != nil {
			res.Rejected = append(res.Rejected, pipeline.Rejection{Event: e, Reason: err.Error()})
			continue
		}
		seen[h] = true
		g.buf = buf
		g.ends = append(g.ends, len(buf))
		g.hashes = append(g.hashes, h)
	}
	return res, groups
}

// batchBytes estimates the encoded size of batch's lines.
func batchBytes(batch []pipeline.Event) int {
	n := 0
	for _, e := range batch {
		n += len(e.Doc) + len(e.ID) + len(idPrefix) + 4
	}
	return n
}

// invalid says why e cannot be stored, or "".
func invalid(e pipeline.Event) string {
	switch {
	case e.ID == "":
		return "event has no id"
	case !json.Valid(e.Doc):
		return "document is not valid JSON"
	}
	return ""
}

// evict drops the id index of the least recently used partitions beyond
// the configured number, skipping partitions in use.
func (s *Sink) evict() {
	s.mu.Lock()
	var loaded []*partition
	for _, p := range s.parts {
		if p.loaded.Load() {
			loaded = append(loaded, p)
		}
	}
	s.mu.Unlock()
	if len(loaded) <= s.cfg.MaxLoadedPartitions {
		return
	}
	slices.SortFunc(loaded, func(a, b *partition) int { return int(a.lastUse.Load() - b.lastUse.Load()) })
	for _, p := range loaded[:len(loaded)-s.cfg.MaxLoadedPartitions] {
		select {
		case p.sem <- struct{}{}:
			p.drop()
			<-p.sem
		default: // in use: it stays loaded for now
		}
	}
}

// Close waits for Writes in progress, then releases lock files and id
// indices. Writes after Close fail; calling Close again does nothing.
func (s *Sink) Close(context.Context) error {
	s.inflight.Lock()
	defer s.inflight.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, p := range s.parts {
		p.sem <- struct{}{}
		errs = append(errs, p.close())
		<-p.sem
	}
	return errors.Join(errs...)
}

// Path returns the data directory.
func (s *Sink) Path() string { return s.cfg.Path }
