package file

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// smallDisk mounts a 1 MiB tmpfs on a new directory and unmounts it when
// the test ends. It needs root (CAP_SYS_ADMIN); without it the test skips:
// TestInjectedDiskFull covers the same path with an injected error.
func smallDisk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (needs root): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("unmounting %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func bigEvents(n, from int) []pipeline.Event {
	pad := strings.Repeat("x", 4000)
	evs := make([]pipeline.Event, n)
	for i := range evs {
		evs[i] = pipeline.Event{ID: fmt.Sprintf("id-%06d", from+i), Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			Doc: fmt.Appendf(nil, `{"n":%d,"pad":%q}`, from+i, pad)}
	}
	return evs
}

// Writing to a full file system fails with a full-storage error naming
// the cause and the fix; so do the dead letter and the checkpoint store.
func TestFullDisk(t *testing.T) {
	dir := smallDisk(t)
	ctx := context.Background()
	cp, err := NewCheckpointStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	dl, err := NewDeadLetter(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close(context.Background())
	s := openSink(t, dir)
	var werr error
	for i := 0; werr == nil && i < 100; i++ {
		_, werr = s.Write(ctx, bigEvents(50, i*50))
	}
	t.Log(werr)
	checkFull(t, "Write", werr, dir)

	rej := []pipeline.Rejection{{Event: bigEvents(1, 0)[0], Status: 400, Reason: "refused"}}
	checkFull(t, "dead letter Put", dl.Put(ctx, rej), dir)
	// Fill what is left, so that even the small checkpoint file cannot be written.
	fill, err := os.Create(dir + "/fill")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fill.Write(make([]byte, 2<<20))
	_ = fill.Close()
	r := pipeline.Range{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	checkFull(t, "MarkStored", cp.MarkStored(ctx, pipeline.Series{ProjectID: "p", Workspace: "w"}, r), dir)
}

// The same path with an injected ENOSPC, which needs no root.
func TestInjectedDiskFull(t *testing.T) {
	dir := t.TempDir()
	s := openSinkWithFault(t, dir, func(stage string) error {
		return &os.PathError{Op: "write", Path: dir + "/events/2026.11/x", Err: syscall.ENOSPC}
	})
	_, err := s.Write(context.Background(), bigEvents(3, 0))
	checkFull(t, "Write", err, dir)
}

func checkFull(t *testing.T, what string, err error, dir string) {
	t.Helper()
	if !pipeline.IsStorageFull(err) {
		t.Fatalf("%s: want a full-storage error, got %v", what, err)
	}
	for _, s := range []string{"the disk is full", dir, "free space", "no space left on device"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%s: error %q does not say %q", what, err, s)
		}
	}
}
