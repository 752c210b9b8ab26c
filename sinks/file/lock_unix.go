//go:build unix

package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/retry"
)

// flock takes an advisory lock (syscall.LOCK_EX or LOCK_SH) on f, waiting
// until it is free or ctx ends. Locks belong to the open file, so two
// descriptors conflict even within one process; callers still serialise
// their goroutines themselves.
func flock(ctx context.Context, f *os.File, how int) error {
	wait := time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			return fmt.Errorf("locking %s: %w", f.Name(), err)
		}
		if err := retry.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting for the lock on %s: %w", f.Name(), err)
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// funlock releases the lock flock took.
func funlock(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN); err != nil {
		return fmt.Errorf("unlocking %s: %w", f.Name(), err)
	}
	return nil
}

const (
	lockExclusive = syscall.LOCK_EX
	lockShared    = syscall.LOCK_SH
)
