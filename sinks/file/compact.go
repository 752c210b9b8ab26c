package file

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Merging keeps the number of files per partition small however many
// batches were written: when the newest segments include compactAt of the
// same size tier in a row, they are copied into one segment spanning
// their sequence numbers. Tiers grow sixteenfold from 1 MiB, so an event
// is copied a few times at most; segments from maxMergeSize up stay as
// they are.
const (
	tierBase     = 1 << 20
	maxMergeSize = 32 << 20
)

func tier(size int64) int {
	t := 0
	for lim := int64(tierBase); size >= lim; lim *= 16 {
		t++
	}
	return t
}

// mergeRun returns the newest segments of the same tier, oldest first,
// when there are at least k of them.
func mergeRun(segs []segment, k int) []segment {
	if k < 2 || len(segs) < k {
		return nil
	}
	last := segs[len(segs)-1]
	if last.size >= maxMergeSize {
		return nil
	}
	i := len(segs) - 1
	for i > 0 && segs[i-1].size < maxMergeSize && tier(segs[i-1].size) == tier(last.size) {
		i--
	}
	if len(segs)-i < k {
		return nil
	}
	return segs[i:]
}

// maybeCompact merges the run mergeRun picks. The caller holds the lock.
// A crash at any point leaves either the inputs, or the merged segment
// and (some of) the inputs, which the next sync removes as leftovers.
func (p *partition) maybeCompact(k int) error {
	run := mergeRun(p.segs, k)
	if run == nil {
		return nil
	}
	merged := segment{first: run[0].first, last: run[len(run)-1].last}
	var hashes []idHash
	var names []string
	for _, s := range run {
		h, err := segmentIDs(p.dir, s)
		if err != nil {
			return err
		}
		hashes = append(hashes, h...)
		merged.size += s.size
		names = append(names, s.name(), s.idsName())
	}
	err := writeAtomic(p.dir, merged.name(), true, func(w io.Writer) error {
		for _, s := range run {
			if err := copyFile(w, filepath.Join(p.dir, s.name())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("merging %d segments into %s: %w", len(run), merged.name(), err)
	}
	_ = writeIDs(p.dir, merged.idsName(), hashes) // a cache, rebuilt when missing
	for _, s := range run {
		delete(p.known, s.name())
	}
	p.known[merged.name()] = true
	p.segs = append(p.segs[:len(p.segs)-len(run)], merged)
	p.log.Debug("file sink: merged segments", "partition", p.name, "segments", len(run), "into", merged.name())
	if err := removeAll(p.dir, names); err != nil {
		return fmt.Errorf("removing merged segments: %w", err)
	}
	return syncDir(p.dir)
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
