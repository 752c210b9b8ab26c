package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Record is one stored event as Scan reads it.
type Record struct {
	ID string
	// Doc is the document without "_id"; it is only valid during the
	// callback.
	Doc       []byte
	Partition string // "2026.11"
}

// Scan calls fn for every event stored under the data directory path,
// month by month, oldest first. It holds each month's lock shared while
// reading it, so it sees only committed segments, and waits for writers
// of that month (those of this process too: fn must not Write to a sink
// over path). An error from fn, or a line that does not parse, stops the
// scan and is returned.
func Scan(ctx context.Context, path string, fn func(Record) error) error {
	events := filepath.Join(path, "events")
	names, err := partitionNames(events)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := scanPartition(ctx, filepath.Join(events, name), name, fn); err != nil {
			return err
		}
	}
	return nil
}

func scanPartition(ctx context.Context, dir, name string, fn func(Record) error) error {
	lf, err := os.Open(filepath.Join(dir, lockName))
	if errors.Is(err, os.ErrNotExist) {
		return nil // never written to
	}
	if err != nil {
		return fmt.Errorf("opening lock of partition %s: %w", name, err)
	}
	defer lf.Close()
	if err := flock(ctx, lf, lockShared); err != nil {
		return err
	}
	defer func() { _ = funlock(lf) }() // closing lf releases the lock anyway
	l, err := listPartition(dir)
	if err != nil {
		return err
	}
	for _, s := range l.live {
		err := eachLine(filepath.Join(dir, s.name()), func(line []byte) error {
			id, doc, err := splitLine(line)
			if err != nil {
				return err
			}
			return fn(Record{ID: id, Doc: doc, Partition: name})
		})
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
