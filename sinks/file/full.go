package file

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/aspaudit/aspaudit/pipeline"
)

// diskFull marks err as pipeline.StorageFull, with the cause and the fix,
// when the file system holding dir has no space (or quota) left; other
// errors pass unchanged.
func diskFull(dir string, err error) error {
	if err == nil || pipeline.IsStorageFull(err) {
		return err
	}
	if !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, syscall.EDQUOT) {
		return err
	}
	return pipeline.StorageFull(fmt.Errorf("the disk is full: the file system holding %s has no space left; "+
		"free space on it or move the data directory to a larger one, then run again: %w", dir, err))
}
