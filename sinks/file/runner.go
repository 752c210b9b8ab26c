package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// runnerLock is the file in the data directory that the one `aspaudit run`
// working on it holds locked.
const runnerLock = "run.lock"

// ErrRunnerBusy is the cause of ClaimRunner's error when another process
// holds the directory.
var ErrRunnerBusy = errors.New("another aspaudit run uses this data directory")

// ClaimRunner makes this process the only continuous runner on dir: two
// runs on one directory would fetch everything twice from Atlas (the ids
// keep the data single, but the rate limit is shared). It locks
// dir/run.lock (creating dir) and writes its pid there; the lock ends with
// release or with the process, kill -9 included. When another process
// holds it, the error wraps ErrRunnerBusy and names that process.
func ClaimRunner(ctx context.Context, dir string) (release func() error, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("creating the data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, runnerLock)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	// Not waiting: a lock held longer than this belongs to another run.
	ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := flock(ctx, f, lockExclusive); err != nil {
		holder, _ := os.ReadFile(path)
		_ = f.Close()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w (%s, pid %s): stop it, or give this run another sink.file.path", ErrRunnerBusy, dir, orUnknown(strings.TrimSpace(string(holder))))
		}
		return nil, err
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() error {
		_ = funlock(f)
		return f.Close()
	}, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
