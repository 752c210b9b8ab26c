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
	if err := checkDir(cfg.Path); err != nil {
		return "", err
	}
	if _, err := os.Stat(cfg.Path); err != nil {
		// Missing: it and its parts will be created.
		return fmt.Sprintf("data directory %s does not exist yet; it can be created", cfg.Path), nil
	}
	var errs []error
	for _, sub := range []string{"events", stateDir, deadLetterDir} {
		if err := checkDir(filepath.Join(cfg.Path, sub)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	return fmt.Sprintf("data directory %s is writable", cfg.Path), nil
}

// checkDir checks that dir is a writable directory or can be created.
func checkDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return fmt.Errorf("%s is not a directory: point sink.file.path elsewhere or move the file away", dir)
	case err == nil:
		return probeWritable(dir)
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("cannot use %s: %w", dir, err)
	}
	parent := filepath.Dir(dir)
	if parent == dir {
		return fmt.Errorf("cannot use %s: it does not exist", dir)
	}
	if err := checkDir(parent); err != nil {
		return fmt.Errorf("%s does not exist and cannot be created: %w", dir, err)
	}
	return nil
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
