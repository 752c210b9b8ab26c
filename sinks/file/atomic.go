package file

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

const (
	dirMode  = 0o700
	tmpStart = ".tmp-"
)

// writers keeps the write buffers of writeAtomic: a new 256 KiB buffer per
// file (a segment and its ids file per batch, the checkpoints per window)
// made most of the sink's garbage.
var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 256<<10) }}

// writeAtomic creates dir/name with what write produces, so that the name
// either does not exist or holds the whole content, even after a crash or
// a power loss: the data goes to a hidden temp file (mode 0600) in dir,
// which is synced, renamed over name, and dir is synced. With durable
// false the syncs are skipped (for caches whose content is verified when
// read).
func writeAtomic(dir, name string, durable bool, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(dir, tmpStart+"*")
	if err != nil {
		return fmt.Errorf("creating temp file for %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(tmp)
	defer func() {
		bw.Reset(nil) // drops tmp
		writers.Put(bw)
	}()
	if err := write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if durable {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("syncing %s: %w", name, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("renaming temp file to %s: %w", name, err)
	}
	if durable {
		return syncDir(dir)
	}
	return nil
}

// syncDir makes renames and removals in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("opening directory %s to sync it: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}

// isTemp reports whether name is a temp file of writeAtomic.
func isTemp(name string) bool { return strings.HasPrefix(name, tmpStart) }

// removeAll removes the named files of dir, ignoring those already gone.
func removeAll(dir string, names []string) error {
	var errs []error
	for _, n := range names {
		if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
