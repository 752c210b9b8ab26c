package file

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Check reports, without creating or changing anything, whether the data
// directory and its parts (events/, state/, dead-letter/) can be used:
// each existing one must be a writable directory; a missing one must be
// creatable, that is its nearest existing parent a writable directory. It
// returns what it found, for a summary.
func Check(cfg Config) (string, error) {
	if err := cfg.Validate(); err != nil {
		return "", fmt.Errorf("file sink config: %w", err)
	}
	exists, err := checkDir(cfg.Path)
	if err != nil {
		return "", err
	}
	if !exists {
		// Missing: it and its parts will be created.
		return fmt.Sprintf("data directory %s does not exist yet; it can be created", cfg.Path), nil
	}
	var errs []error
	for _, sub := range []string{"events", stateDir, deadLetterDir} {
		if _, err := checkDir(filepath.Join(cfg.Path, sub)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	return fmt.Sprintf("data directory %s is writable", cfg.Path), nil
}

// checkDir checks that dir is a writable directory or can be created, and
// reports whether it exists.
func checkDir(dir string) (exists bool, err error) {
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return true, fmt.Errorf("%s is not a directory: point sink.file.path elsewhere or move the file away", dir)
	case err == nil:
		return true, probeWritable(dir)
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
		return false, fmt.Errorf("cannot use %s: %w", dir, err)
	}
	parent := filepath.Dir(dir)
	if parent == dir {
		return false, fmt.Errorf("cannot use %s: it does not exist", dir)
	}
	if _, err := checkDir(parent); err != nil {
		return false, fmt.Errorf("%s does not exist and cannot be created: %w", dir, err)
	}
	return false, nil
}

// probeWritable creates and removes a file in dir: permission bits alone
// do not tell (root, ACLs, read-only mounts).
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".aspaudit-check-*")
	if err != nil {
		return fmt.Errorf("%s is not writable by this user: %w", dir, errors.Unwrap(err))
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}
