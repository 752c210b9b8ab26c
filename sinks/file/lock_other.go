//go:build !unix

package file

import (
	"context"
	"errors"
	"os"
)

const (
	lockExclusive = 2
	lockShared    = 1
)

var errNoLocks = errors.New("file sink: file locking is only supported on Unix systems")

func flock(context.Context, *os.File, int) error { return errNoLocks }

func funlock(*os.File) error { return errNoLocks }
