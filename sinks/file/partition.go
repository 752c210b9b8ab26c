package file

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
)

// partition is one month of events: a directory of committed segments,
// a lock file serialising writers across processes, and, while loaded,
// the hashes of every id it holds.
type partition struct {
	name    string // "2026.11"
	dir     string
	log     *slog.Logger
	fault   func(stage string) error // tests only: injects I/O failures
	sem     chan struct{}            // held by the one goroutine using the fields below
	loaded  atomic.Bool              // ids != nil; read without sem by eviction
	lastUse atomic.Int64

	lockf *os.File
	ids   *idIndex
	known map[string]bool // segments whose ids are in ids
	segs  []segment       // live segments at the last sync
	next  uint64          // sequence number of the next segment
}

func newPartition(events, name string, log *slog.Logger) *partition {
	return &partition{name: name, dir: filepath.Join(events, name), log: log, sem: make(chan struct{}, 1)}
}

// lock gives the caller the partition within this process and across
// processes, waiting until ctx ends.
func (p *partition) lock(ctx context.Context) error {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("waiting for partition %s: %w", p.name, ctx.Err())
	}
	if err := p.flock(ctx); err != nil {
		<-p.sem
		return err
	}
	return nil
}

func (p *partition) flock(ctx context.Context) error {
	if p.lockf == nil {
		if err := os.MkdirAll(p.dir, dirMode); err != nil {
			return fmt.Errorf("creating partition %s: %w", p.name, err)
		}
		f, err := os.OpenFile(filepath.Join(p.dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("opening lock of partition %s: %w", p.name, err)
		}
		p.lockf = f
	}
	return flock(ctx, p.lockf, lockExclusive)
}

func (p *partition) unlock() {
	if err := funlock(p.lockf); err != nil {
		p.log.Warn("file sink: releasing partition lock", "partition", p.name, "error", err)
	}
	<-p.sem
}

// sync brings the partition up to date with its directory, holding the
// lock: it removes temp files and compaction leftovers (no one else can
// be writing them) and loads the ids of segments it does not know yet,
// those other processes committed included.
func (p *partition) sync() error {
	l, err := listPartition(p.dir)
	if err != nil {
		return err
	}
	if err := p.removeDead(l.dead); err != nil {
		return err
	}
	if err := p.loadNew(l.live); err != nil {
		p.drop() // never keep a partial index: it would let doubles in
		return err
	}
	p.segs, p.next = l.live, 1
	if n := len(l.live); n > 0 {
		p.next = l.live[n-1].last + 1
	}
	p.loaded.Store(true)
	return nil
}

func (p *partition) removeDead(dead []string) error {
	if len(dead) == 0 {
		return nil
	}
	p.log.Info("file sink: removing leftovers of an interrupted write", "partition", p.name, "files", len(dead))
	if err := removeAll(p.dir, dead); err != nil {
		return fmt.Errorf("removing leftovers in %s: %w", p.dir, err)
	}
	return nil
}

// loadChunk bounds the hashes read before they join the index: loading a
// month of millions of events needs its index, not a second copy of it.
const loadChunk = 1 << 18

// loadNew adds the ids of the live segments not known yet and forgets
// known segments that a merge replaced.
func (p *partition) loadNew(live []segment) error {
	if p.ids == nil {
		p.ids, p.known = newIDIndex(), make(map[string]bool)
	}
	isLive := make(map[string]bool, len(live))
	var loaded []idHash
	for _, s := range live {
		isLive[s.name()] = true
		if p.known[s.name()] {
			continue
		}
		hashes, err := segmentIDs(p.dir, s)
		if err != nil {
			return err
		}
		loaded = append(loaded, hashes...)
		p.known[s.name()] = true
		if len(loaded) >= loadChunk {
			p.ids.merge(loaded)
			loaded = loaded[:0]
		}
	}
	p.ids.merge(loaded)
	for name := range p.known {
		if !isLive[name] { // merged into a segment loaded above
			delete(p.known, name)
		}
	}
	return nil
}

// drop forgets the id index; the next sync loads it again.
func (p *partition) drop() {
	p.ids, p.known, p.segs = nil, nil, nil
	p.loaded.Store(false)
}

// close releases the lock file; the caller holds sem.
func (p *partition) close() error {
	p.drop()
	if p.lockf == nil {
		return nil
	}
	err := p.lockf.Close()
	p.lockf = nil
	return err
}

// group is the part of a batch bound for one partition: encoded lines,
// one after another in buf, and the hashes of their ids.
type group struct {
	buf    []byte
	ends   []int
	hashes []idHash
}

func (g *group) line(i int) []byte {
	start := 0
	if i > 0 {
		start = g.ends[i-1]
	}
	return g.buf[start:g.ends[i]]
}

// commit stores the events of g that the partition does not hold yet as
// one new segment, durably, and returns how many it stored and how many
// it already held.
func (p *partition) commit(ctx context.Context, g *group, compactAt int) (stored, dups int, err error) {
	if err := p.lock(ctx); err != nil {
		return 0, 0, err
	}
	defer p.unlock()
	if err := p.sync(); err != nil {
		return 0, 0, err
	}
	var fresh []int
	for i, h := range g.hashes {
		if p.ids.has(h) {
			dups++
		} else {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) == 0 {
		return 0, dups, nil
	}
	if err := ctx.Err(); err != nil { // last moment to give up with nothing stored
		return 0, 0, fmt.Errorf("writing partition %s: %w", p.name, err)
	}
	seg, err := p.writeSegment(g, fresh)
	if err != nil {
		return 0, 0, err
	}
	p.segs = append(p.segs, seg)
	if err := p.maybeCompact(compactAt); err != nil {
		p.log.Warn("file sink: merging segments failed; will try again", "partition", p.name, "error", err)
	}
	return len(fresh), dups, nil
}

func (p *partition) writeSegment(g *group, fresh []int) (segment, error) {
	seg := segment{first: p.next, last: p.next}
	if err := p.injected("before commit"); err != nil {
		return seg, err
	}
	hashes := make([]idHash, 0, len(fresh))
	err := writeAtomic(p.dir, seg.name(), true, func(w io.Writer) error {
		for _, i := range fresh {
			line := g.line(i)
			seg.size += int64(len(line))
			hashes = append(hashes, g.hashes[i])
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// The segment may be in place with its outcome unknown (a failed
		// directory sync): the next sync loads it if it is.
		return seg, fmt.Errorf("committing segment %s: %w", filepath.Join(p.dir, seg.name()), err)
	}
	if err := p.injected("after commit"); err != nil {
		return seg, err
	}
	if err := writeIDs(p.dir, seg.idsName(), hashes); err != nil {
		p.log.Debug("file sink: writing ids file; it will be rebuilt", "segment", seg.name(), "error", err)
	}
	for _, h := range hashes {
		p.ids.add(h)
	}
	p.known[seg.name()] = true
	p.next++
	return seg, nil
}

func (p *partition) injected(stage string) error {
	if p.fault == nil {
		return nil
	}
	return p.fault(stage)
}
